/** One entry point for both push encodings, so batching and the client don't care which is configured. */
import { encodeJsonPush } from './encode-json.js'
import { encodeProtobufPush } from './encode-protobuf.js'
import type { EncodedPush, LokiEncoding, LokiStream } from './types.js'

export interface EncodeOptions {
  encoding: LokiEncoding
  /** JSON only: gzip the body (protobuf is always snappy-compressed). */
  gzip?: boolean
}

/** Encodes streams as a push body. Throws only when JSON is asked for and a selector is malformed. */
export function encodePush(streams: readonly LokiStream[], { encoding, gzip = false }: EncodeOptions): EncodedPush {
  const entries = streams.reduce((n, s) => n + s.entries.length, 0)
  if (encoding === 'protobuf') {
    return { ...encodeProtobufPush(streams), contentType: 'application/x-protobuf', entries }
  }
  const { body, rawBytes } = encodeJsonPush(streams, gzip)
  return { body, rawBytes, contentType: 'application/json', entries, ...(gzip ? { contentEncoding: 'gzip' as const } : {}) }
}
