/** The `docker` source: json-file logs of containers selected by name. */
import { defineSource } from '../../core/types.js'
import { errorType } from '../errors.js'
import { createFollower } from '../file/follower.js'
import type { DockerSourceConfig } from './config.js'
import { containerLogs } from './containers.js'
import { dockerDecoder } from './decode.js'

/**
 * Raw json-file records are bigger than the text they carry (JSON escaping,
 * stream and time fields; a 16 KiB partial of control characters escapes to
 * 96 KiB): the tailer's own cap only guards against a corrupt file.
 */
const MAX_RECORD_BYTES = 1024 * 1024

export default defineSource<DockerSourceConfig>({
  type: 'docker',
  description: "Follow Docker json-file logs of containers matched by name, joining Docker's 16 KiB partial lines.",
  create(config, ctx) {
    const logs = containerLogs(config.root, config.containers, (error, path) => {
      const type = errorType(error)
      ctx.metrics.sourceErrors.inc({ source: ctx.id, error_type: type })
      ctx.log.warn({ path, error_type: type, err: error }, 'docker source: cannot read container directory')
    })
    const truncated = () => ctx.metrics.linesTruncated.inc({ source: ctx.id })
    return createFollower({
      ctx,
      listFiles: () => logs.list(),
      decoderFor: (path) => dockerDecoder(logs.nameOf(path) ?? 'unknown', config.max_line_bytes, truncated),
      readFrom: config.read_from,
      pollIntervalMs: config.poll_interval,
      fingerprintBytes: config.fingerprint_bytes,
      maxLineBytes: Math.max(MAX_RECORD_BYTES, config.max_line_bytes * 6),
      rotateWaitMs: config.rotate_wait,
    })
  },
})
