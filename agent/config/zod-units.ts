/** Zod field types for durations and sizes, so every component validates them alike. */
import { z } from 'zod'
import { parseBytes, parseDuration } from './units.js'

/** A field written as text or a number, parsed by `parse`; `expected` names the form in errors. */
function unitField(parse: (value: string | number) => number | undefined, expected: string) {
  return () =>
    z.union([z.string(), z.number()]).transform((value, ctx) => {
      const parsed = parse(value)
      if (parsed === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected ${expected}, received ${JSON.stringify(value)}` })
        return z.NEVER
      }
      return parsed
    })
}

/** A duration in ms, written as `30s`, `500ms`, `1h30m` or a number of ms. */
export const duration = unitField(parseDuration, 'a duration such as "30s" or "500ms"')

/** A size in bytes, written as `256KiB`, `1MB` or a number of bytes. */
export const bytes = unitField(parseBytes, 'a size such as "256KiB" or "1MB"')
