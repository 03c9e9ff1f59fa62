/** The `stdin` source's config. */
import { z } from 'zod'
import { bytes } from '../config/zod-units.js'

export const StdinSourceConfig = z
  .object({
    type: z.literal('stdin'),
    /** The service of lines that name none (given to the pipeline as `origin.service`). */
    service: z.string().min(1).optional(),
    /** A line over this size is cut to it (counted in threadline_lines_truncated_total). */
    max_line_bytes: bytes()
      .default(256 * 1024)
      .refine((n) => n >= 1, { error: 'expected max_line_bytes of at least 1' }),
  })
  .strict()

export type StdinSourceConfig = z.output<typeof StdinSourceConfig>
