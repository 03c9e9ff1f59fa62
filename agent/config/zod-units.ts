/** Zod field types for durations and sizes, so every component validates them alike. */
import { z } from 'zod'
import { parseBytes, parseDuration } from './units.js'

/** A duration in ms, written as `30s`, `500ms`, `1h30m` or a number of ms. */
export const duration = () =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ms = parseDuration(value)
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as "30s" or "500ms", received ${JSON.stringify(value)}` })
      return z.NEVER
    }
    return ms
  })

/** A size in bytes, written as `256KiB`, `1MB` or a number of bytes. */
export const bytes = () =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const n = parseBytes(value)
    if (n === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a size such as "256KiB" or "1MB", received ${JSON.stringify(value)}` })
      return z.NEVER
    }
    return n
  })
