/** The `scan` field of the plugins that find keys by SCAN (./scan.ts). */
import { z } from 'zod'

export const ScanConfig = z
  .object({
    /** COUNT hint of each SCAN call. */
    count: z.number().int().min(1).default(1000),
    /** SCAN calls per scrape at most (count × max_calls keys examined). */
    max_calls: z.number().int().min(1).default(100),
  })
  .strict()
  .prefault({})

export type ScanConfig = z.output<typeof ScanConfig>
