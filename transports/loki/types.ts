/**
 * The Loki push stack's own data model, independent of the agent so the pino
 * transport can reuse it: an entry is a line with a time split into whole ms
 * and the ns within that ms (a JS number cannot hold ns since the epoch).
 */

/** One log line and its time. */
export interface LokiEntry {
  /** Whole ms since the epoch (an integer). */
  tsMs: number
  /** ns within that ms, 0 to 999,999. */
  tsNanos: number
  line: string
  /** UTF-8 length of `line`, when the caller knows it already (the agent's store does); measured otherwise. */
  bytes?: number
  /**
   * Copies the line's `bytes` UTF-8 bytes into `target` at `at`, when the
   * caller holds them already: the protobuf encoder then copies instead of
   * encoding `line` (the agent's store keeps lines as UTF-8).
   */
  writeLine?(target: Buffer, at: number): void
}

/** An entry that knows its stream: what batching groups into {@link LokiStream}s. */
export interface LabelledEntry extends LokiEntry {
  /** Canonical selector, `{a="x", b="y"}` (see {@link formatLabels}). */
  labels: string
}

/** Entries of one stream, in the order they are to be stored. */
export interface LokiStream {
  /** Canonical selector, `{a="x", b="y"}`. */
  labels: string
  entries: LokiEntry[]
}

export type LokiEncoding = 'protobuf' | 'json'

/** A push request body ready to send (and to resend unchanged on retry). */
export interface EncodedPush {
  body: Buffer
  contentType: 'application/x-protobuf' | 'application/json'
  contentEncoding?: 'gzip'
  /**
   * Size before compression: what Loki's distributor forwards to an ingester
   * as one gRPC message, so what its 4 MiB message limit applies to.
   */
  rawBytes: number
  /** Entries in the request. */
  entries: number
}
