/** The `file` source's config. */
import { z } from 'zod'
import { bytes, duration } from '../../config/zod-units.js'

/** Where to start in files that already exist when the agent starts (files appearing later are always read whole). */
export const ReadFrom = z.enum(['beginning', 'end'])

/** Options every file-following source shares (`file` and `docker`). */
export const followerFields = {
  /** Files found at the first start (no checkpoint): `beginning` ships what they hold, as promtail, Alloy, Vector and Filebeat do; `end` skips it. */
  read_from: ReadFrom.default('beginning'),
  /** How often to look for new data, new files and rotations. */
  poll_interval: duration().default(250),
  /** Bytes of the first line hashed to identify a file across renames (a file is picked up once it has a full first line or this many bytes). */
  fingerprint_bytes: bytes()
    .default(1024)
    .refine((n) => n >= 16 && n <= 65_536, { error: 'expected fingerprint_bytes between 16 and 65536' }),
  /** A line over this size is cut to it (counted in threadline_lines_truncated_total); the rest up to its newline is skipped, never buffered. */
  max_line_bytes: bytes()
    .default(256 * 1024)
    .refine((n) => n >= 1, { error: 'expected max_line_bytes of at least 1' }),
  /** How long a file that was rotated away or deleted is still read after it last grew, for writers that reopen late. */
  rotate_wait: duration().default(5000),
}

export const FileSourceConfig = z
  .object({
    type: z.literal('file'),
    /** Glob patterns of files to follow: `*`, `?`, `**`, `{a,b}`, `[abc]`. Relative patterns are taken from the working directory. */
    include: z.array(z.string().min(1)).min(1),
    /** Glob patterns of files never to follow, even when an include matches them (e.g. `*.gz`). */
    exclude: z.array(z.string().min(1)).default([]),
    /** The service of lines that name none (given to the pipeline as `origin.service`). */
    service: z.string().min(1).optional(),
    ...followerFields,
  })
  .strict()

export type FileSourceConfig = z.output<typeof FileSourceConfig>
