/**
 * Docker's json-file format: one JSON object per line,
 * `{"log":"text\n","stream":"stdout","time":"2026-01-02T03:04:05.123456789Z"}`.
 * Docker splits lines over 16 KiB into partials whose `log` lacks the final
 * `\n`; they are joined (per stream) until the part that has it.
 */
import type { RawLine } from '../../core/types.js'
import type { LineDecoder } from '../file/tailer.js'
import { truncateUtf8 } from '../../transforms/truncate.js'

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/

/** RFC 3339 with up to ns precision to ns since the epoch as a decimal string, without going through a float. */
export function rfc3339ToNs(time: unknown): string | undefined {
  if (typeof time !== 'string') return undefined
  const match = RFC3339.exec(time)
  if (!match) return undefined
  const ms = Date.parse(`${match[1]}${match[3]}`)
  if (!Number.isFinite(ms) || ms < 0) return undefined
  return (BigInt(ms / 1000) * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'))).toString()
}

interface Partial {
  parts: string[]
  bytes: number
  truncated: boolean
  from: number
  sourceTimeNs: string | undefined
}

/** A decoder for one container's json-file log; `onTruncated` counts joined lines cut to `maxLineBytes`. */
export function dockerDecoder(container: string, maxLineBytes: number, onTruncated: () => void): LineDecoder {
  const partials = new Map<string, Partial>()
  const origins = new Map<string, Readonly<Record<string, string>>>()
  const originOf = (stream: string) => {
    let origin = origins.get(stream)
    if (!origin) origins.set(stream, (origin = Object.freeze({ container, stream })))
    return origin
  }
  const finish = (partial: Partial, stream: string, readAtMs: number): RawLine => {
    if (partial.truncated) onTruncated()
    return { text: partial.parts.join(''), readAtMs, origin: originOf(stream), sourceTimeNs: partial.sourceTimeNs }
  }

  return {
    decode(text, start, readAtMs) {
      let entry: { log?: unknown; stream?: unknown; time?: unknown }
      try {
        entry = JSON.parse(text) as typeof entry
      } catch {
        entry = {}
      }
      // Not a json-file record (corrupt or foreign line): shipped as it is rather than lost.
      if (typeof entry?.log !== 'string') return { text, readAtMs, origin: originOf('unknown') }
      const stream = typeof entry.stream === 'string' ? entry.stream : 'stdout'
      const complete = entry.log.endsWith('\n')
      const body = complete ? entry.log.slice(0, entry.log.endsWith('\r\n') ? -2 : -1) : entry.log
      let partial = partials.get(stream)
      if (!partial) {
        partial = { parts: [], bytes: 0, truncated: false, from: start, sourceTimeNs: rfc3339ToNs(entry.time) }
        if (!complete) partials.set(stream, partial)
      }
      append(partial, body, maxLineBytes)
      if (!complete) return undefined
      partials.delete(stream)
      return finish(partial, stream, readAtMs)
    },
    heldFrom() {
      let from: number | undefined
      for (const partial of partials.values()) from = Math.min(from ?? Infinity, partial.from)
      return from
    },
    flush(readAtMs) {
      const lines = [...partials].map(([stream, partial]) => finish(partial, stream, readAtMs))
      partials.clear()
      return lines
    },
    reset: () => partials.clear(),
  }
}

function append(partial: Partial, body: string, maxLineBytes: number): void {
  if (partial.truncated) return
  const bytes = Buffer.byteLength(body)
  if (partial.bytes + bytes <= maxLineBytes) {
    partial.parts.push(body)
    partial.bytes += bytes
    return
  }
  partial.parts.push(truncateUtf8(body, maxLineBytes - partial.bytes))
  partial.bytes = maxLineBytes
  partial.truncated = true
}
