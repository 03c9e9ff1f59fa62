/** The `file` source: follows log files matched by globs. */
import { defineSource, type RawLine } from '../../core/types.js'
import { fileGlobs } from '../glob.js'
import { errorType } from '../errors.js'
import type { FileSourceConfig } from './config.js'
import { createFollower } from './follower.js'
import type { LineDecoder } from './tailer.js'

/** Plain lines: the text as read, with the file it came from (and the configured service) as origin. */
function plainLines(origin: Readonly<Record<string, string>>): LineDecoder {
  return {
    decode: (text: string, _start: number, readAtMs: number): RawLine => ({ text, readAtMs, origin }),
    heldFrom: () => undefined,
    flush: () => [],
    reset: () => undefined,
  }
}

export default defineSource<FileSourceConfig>({
  type: 'file',
  description: 'Follow log files matched by globs, across rotation by rename and by copytruncate.',
  create(config, ctx) {
    const globs = fileGlobs(config.include, config.exclude)
    return createFollower({
      ctx,
      listFiles: () =>
        globs.list((error, dir) => {
          const type = errorType(error)
          ctx.metrics.sourceErrors.inc({ source: ctx.id, error_type: type })
          ctx.log.warn({ dir, error_type: type }, 'file source: cannot list directory')
        }),
      decoderFor: (filename) => {
        const origin: Record<string, string> = config.service === undefined ? { filename } : { filename, service: config.service }
        return plainLines(Object.freeze(origin))
      },
      readFrom: config.read_from,
      pollIntervalMs: config.poll_interval,
      fingerprintBytes: config.fingerprint_bytes,
      maxLineBytes: config.max_line_bytes,
      rotateWaitMs: config.rotate_wait,
    })
  },
})
