/**
 * The JSON push format (Loki HTTP API, POST /loki/api/v1/push):
 * `{"streams":[{"stream":{"a":"x"},"values":[["<ns since epoch>","line"]]}]}`,
 * with the timestamp a decimal string because it exceeds 2^53.
 */
import { createRequire } from 'node:module'
import type zlib from 'node:zlib'
import { parseLabels } from './labels.js'
import { toUnixNanos } from './time.js'
import type { LokiStream } from './types.js'

/** The JSON body, uncompressed. Throws if a stream's selector is malformed. */
export function encodeJsonPushRequest(streams: readonly LokiStream[]): Buffer {
  const parts = streams.map((stream) => {
    const values = stream.entries.map((e) => `["${toUnixNanos(e.tsMs, e.tsNanos)}",${JSON.stringify(e.line)}]`)
    return `{"stream":${JSON.stringify(parseLabels(stream.labels))},"values":[${values.join(',')}]}`
  })
  return Buffer.from(`{"streams":[${parts.join(',')}]}`)
}

const require = createRequire(import.meta.url)

/** The JSON body, gzipped when asked: node:zlib is loaded then, not by every agent that pushes protobuf. */
export function encodeJsonPush(streams: readonly LokiStream[], gzip: boolean): { body: Buffer; rawBytes: number } {
  const json = encodeJsonPushRequest(streams)
  return { body: gzip ? (require('node:zlib') as typeof zlib).gzipSync(json) : json, rawBytes: json.length }
}
