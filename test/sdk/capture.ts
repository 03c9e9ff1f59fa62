/**
 * An in-memory log destination for SDK tests: keeps every line, raw and parsed.
 */
import type { DestinationStream } from '../../sdk/index.js'

/** A destination that records what the logger wrote. */
export interface Capture {
  stream: DestinationStream
  raw: string[]
  lines: Array<Record<string, unknown>>
}

/** A fresh capture; pino writes to it synchronously, one line per write. */
export function capture(): Capture {
  const raw: string[] = []
  const lines: Array<Record<string, unknown>> = []
  return {
    raw,
    lines,
    stream: {
      write(chunk: string) {
        raw.push(chunk)
        lines.push(JSON.parse(chunk) as Record<string, unknown>)
      },
    },
  }
}
