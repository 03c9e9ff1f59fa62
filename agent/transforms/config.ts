/** The transforms' config: validated at start-up, so nothing in the hot path checks it again. */
import { z } from 'zod'
import { bytes, duration } from '../config/zod-units.js'
import { MAX_LABEL_VALUE_CHARS, sanitizeLabelValue } from './label-value.js'

/** Static labels allowed: with service, level and event that makes 15, Loki's default `max_label_names_per_series`. */
export const MAX_STATIC_LABELS = 12

/** Label names the transforms set themselves. */
const RESERVED_LABELS = new Set(['service', 'level', 'event'])

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/** What is wrong with a static label name, if anything. Checked by hand: zod reports a bad record key only as "Invalid key in record". */
function labelNameProblem(name: string): string | undefined {
  if (!LABEL_NAME.test(name)) return `expected a label name matching [a-zA-Z_][a-zA-Z0-9_]*, received ${JSON.stringify(name)}`
  // Prometheus and Loki reserve names starting with "__" for internal use.
  if (name.startsWith('__')) return `label names starting with "__" are reserved by Loki, received ${JSON.stringify(name)}`
  if (RESERVED_LABELS.has(name)) return `"${name}" is set from each line and cannot be a static label`
  return undefined
}

/** A label value Loki accepts and selectors can quote: non-empty, at most 512 characters, no control characters. */
const labelValue = z
  .string()
  .min(1, { error: 'expected a non-empty label value' })
  .refine((value) => sanitizeLabelValue(value) === value, {
    error: (issue) => `expected at most ${MAX_LABEL_VALUE_CHARS} characters without control characters, received ${JSON.stringify(issue.input).slice(0, 80)}`,
  })

export const TransformsConfig = z
  .object({
    /** Lines whose UTF-8 encoding is longer are cut to this many bytes on a character boundary (Loki's `max_line_size`, 256KiB by default). At least 1KiB. */
    max_line_bytes: bytes()
      .refine((n) => n >= 1024, { error: (issue) => `expected at least 1KiB, received ${String(issue.input)} bytes` })
      .default(256 * 1024),
    /** Distinct values each of the `service` and `event` labels may take; further values become `other`. */
    max_label_values: z.number().int().min(1).default(100),
    /** Labels added to every stream, e.g. `{ env: "prod", cluster: "eu-1" }`. At most 12. */
    static_labels: z
      .record(z.string(), labelValue)
      .superRefine((labels, ctx) => {
        const names = Object.keys(labels)
        if (names.length > MAX_STATIC_LABELS) {
          ctx.addIssue({ code: 'custom', message: `expected at most ${MAX_STATIC_LABELS} static labels (Loki allows 15 per stream, 3 are service, level and event), received ${names.length}` })
        }
        for (const name of names) {
          const problem = labelNameProblem(name)
          if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: problem })
        }
      })
      .default({}),
    /** The `service` label of lines that name none and whose source knows none. */
    default_service: labelValue.default('unknown'),
    /** Own timestamps older than this (before read time) are replaced by the read time, as Loki would reject them (`reject_old_samples_max_age`, 1w by default). */
    max_entry_age: duration().default(7 * 24 * 60 * 60 * 1000),
  })
  .strict()

/** The validated, defaulted config. */
export type TransformsConfig = z.output<typeof TransformsConfig>
