/**
 * The one Loki push stack: encode (protobuf+snappy or JSON, optionally gzip),
 * batch, push and back off. Independent of the agent so the pino transport
 * reuses it unchanged.
 */
export { backoffDelay, checkBackoffOptions, type BackoffOptions } from './backoff.js'
export { PendingEntries, encodeWithinLimit, groupIntoStreams, halve, type BatchPart } from './batch.js'
export { encodePush, type EncodeOptions } from './encode.js'
export { encodeJsonPushRequest } from './encode-json.js'
export { encodePushRequest } from './encode-protobuf.js'
export { formatLabels, parseLabels } from './labels.js'
export {
  DEFAULT_MAX_BODY_BYTES,
  createLokiClient,
  lokiAccessHeaders,
  httpModuleFor,
  lokiHttpAgent,
  type LokiAccess,
  parseRetryAfter,
  type LokiClient,
  type LokiClientOptions,
  type PushResult,
} from './push.js'
export { DEFAULT_SHIPPING, type LokiShippingSettings } from './settings.js'
export { toTimestamp, toUnixNanos } from './time.js'
export type { EncodedPush, LabelledEntry, LokiEncoding, LokiEntry, LokiStream } from './types.js'
