/** The `journald` source's config. */
import { z } from 'zod'
import { bytes, duration } from '../../config/zod-units.js'
import { ReadFrom } from '../file/config.js'

export const JournaldSourceConfig = z
  .object({
    type: z.literal('journald'),
    /** Units whose entries to read (`--unit`), e.g. `quantum-api.service`. Empty reads every unit. */
    units: z.array(z.string().min(1)).default([]),
    /** The journalctl binary. */
    journalctl: z.string().min(1).default('journalctl'),
    /** Read the journal files in this directory (`--directory`) instead of the system journal. */
    directory: z.string().min(1).optional(),
    /** Read these journal files (`--file`) instead of the system journal. */
    files: z.array(z.string().min(1)).optional(),
    /** With no saved cursor: `end` starts with new entries, `beginning` ships the whole journal. */
    read_from: ReadFrom.default('end'),
    /** A MESSAGE over this size is cut to it (counted in threadline_lines_truncated_total). */
    max_line_bytes: bytes()
      .default(256 * 1024)
      .refine((n) => n >= 1, { error: 'expected max_line_bytes of at least 1' }),
    /** First delay before restarting journalctl after it exited; doubles (with jitter) up to 30 s. */
    restart_delay: duration().default(1000),
  })
  .strict()

export type JournaldSourceConfig = z.output<typeof JournaldSourceConfig>
