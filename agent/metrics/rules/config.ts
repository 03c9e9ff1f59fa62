/**
 * The `metrics:` section of the agent config: which metrics the agent derives
 * from the lines it reads. Validated with the rest of the config, so a typo or
 * a metric name produced twice stops the agent before it reads a byte.
 */
import { z } from 'zod'
import { duration } from '../../config/zod-units.js'
import { builtInRules } from './defaults.js'
import { pairMetricNames } from './exposition.js'
import { anchored, type Condition, type Match as MatchType, type Scalar as ScalarType } from './predicate.js'

const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
/** Prometheus' default buckets, for histograms that name none. */
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

const Scalar: z.ZodType<ScalarType> = z.union([z.string(), z.number(), z.boolean()])

const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    Scalar,
    z.object({ in: z.array(Scalar).min(1) }).strict(),
    z
      .object({
        regex: z.string().refine(compiles, { message: 'not a valid regular expression' }),
      })
      .strict(),
    z.object({ not: ConditionSchema }).strict(),
    z.object({ exists: z.boolean() }).strict(),
  ]),
)

/** A rule's `match`: field name → condition (./predicate.ts compiles it). */
export const Match: z.ZodType<MatchType> = z.record(z.string().regex(/^[A-Za-z_][\w.-]*$/, 'expected a field name'), ConditionSchema)

function compiles(source: string): boolean {
  try {
    anchored(source)
    return true
  } catch {
    return false
  }
}

const MetricName = z
  .string()
  .regex(METRIC_NAME, 'expected a Prometheus metric name (letters, digits and _, not starting with a digit)')
  .refine((name) => !name.startsWith('threadline_'), 'the threadline_ prefix is reserved for the agent\'s own metrics')

const Labels = (reserved: readonly string[]) =>
  z
    .array(
      z
        .string()
        .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a field name that is also a Prometheus label name')
        .refine((label) => !label.startsWith('__'), 'label names starting with __ are reserved')
        .refine((label) => !reserved.includes(label), `${reserved.map((l) => `"${l}"`).join(' and ')} cannot be a label here: the metric uses it`),
    )
    .refine((labels) => new Set(labels).size === labels.length, 'a label is listed twice')
    .default([])

const Buckets = z
  .array(z.number().positive().finite())
  .min(1)
  .refine((b) => b.every((value, i) => i === 0 || value > b[i - 1]!), 'buckets must be strictly increasing')

const CounterRule = z
  .object({
    type: z.literal('counter'),
    /** Must end in `_total`. */
    name: MetricName.refine((name) => name.endsWith('_total'), 'a counter name must end in _total'),
    /** The HELP text; generated from the match when absent. */
    help: z.string().min(1).optional(),
    /** Which lines count; `{}` (the default) counts every line. */
    match: Match.default({}),
    /** Fields whose values become labels (through the cardinality guard). */
    labels: Labels([]),
  })
  .strict()

const HistogramRule = z
  .object({
    type: z.literal('histogram'),
    /** Ends in `_seconds` when the unit is a time unit (values are converted to seconds). */
    name: MetricName,
    help: z.string().min(1).optional(),
    match: Match.default({}),
    /** The numeric field observed (a number or a numeric string); lines without one are counted as invalid. */
    field: z.string().min(1),
    /** The field's unit: `ms`, `us` and `ns` are converted to seconds; `none` observes the value as is. */
    unit: z.enum(['s', 'ms', 'us', 'ns', 'none']).default('s'),
    /** Upper bounds in the base unit (seconds for time). */
    buckets: Buckets.default(DEFAULT_BUCKETS),
    labels: Labels(['le']),
  })
  .strict()
  .refine((rule) => rule.unit === 'none' || rule.name.endsWith('_seconds'), {
    message: 'a histogram of a time field must be named ..._seconds (its values are converted to seconds)',
    path: ['name'],
  })

const PairRule = z
  .object({
    type: z.literal('pair'),
    /** Prefix of the pair's metrics: `<name>_started_total`, `<name>_pending`, `<name>_duration_seconds`… */
    name: MetricName.refine((name) => !name.endsWith('_total'), 'a pair name is a prefix; it must not end in _total'),
    /** What the pair measures, used in every HELP text, e.g. "Orders from submit to response". */
    help: z.string().min(1).optional(),
    /** The line that opens a pair. */
    start: Match.refine((m) => Object.keys(m).length > 0, 'a start match needs at least one condition'),
    /** The line that closes it. */
    end: Match.refine((m) => Object.keys(m).length > 0, 'an end match needs at least one condition'),
    /** The field both lines share; `correlation_id` reads the normalised correlation id. */
    key: z.string().min(1).default('correlation_id'),
    /** A start with no end within this long (on the lines' clock) counts as unanswered. */
    timeout: duration().default(30_000),
    /** Pending starts kept; beyond it the oldest is counted unanswered with reason "evicted". */
    max_pending: z.number().int().positive().default(100_000),
    /** How long keys of finished pairs are remembered, to tell late and duplicate ends from orphans. */
    remember_for: duration().default(600_000),
    /** Duration buckets in seconds. */
    buckets: Buckets.default(DEFAULT_BUCKETS),
    /** Fields of the start line whose values label every metric of the pair. */
    labels: Labels(['le', 'reason']),
  })
  .strict()

export const Rule = z.discriminatedUnion('type', [CounterRule, HistogramRule, PairRule])
export type Rule = z.output<typeof Rule>
export type CounterRule = z.output<typeof CounterRule>
export type HistogramRule = z.output<typeof HistogramRule>
export type PairRule = z.output<typeof PairRule>

/** Every name a rule puts in the exposition: family names and histogram series names. */
function exposedNames(rule: Rule): string[] {
  const histogram = (name: string) => [name, `${name}_bucket`, `${name}_sum`, `${name}_count`]
  if (rule.type === 'counter') return [rule.name]
  if (rule.type === 'histogram') return histogram(rule.name)
  const names = pairMetricNames(rule.name)
  return Object.values(names).flatMap((name) => (name === names.duration ? histogram(name) : [name]))
}

export const MetricsConfig = z
  .object({
    /** The built-in rules (`log_messages_total`, the `order` pair, `intents_received_total`); false turns them off. */
    defaults: z.boolean().default(true),
    /** Distinct values a label keeps per metric before further values become "other". */
    max_label_values: z.number().int().positive().default(100),
    /** Rules of your own, in addition to the defaults. */
    rules: z.array(Rule).default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    const owners = new Map<string, string>()
    if (config.defaults) for (const rule of builtInRules) for (const name of exposedNames(rule)) owners.set(name, 'the built-in defaults')
    config.rules.forEach((rule, i) => {
      const taken = exposedNames(rule).find((name) => owners.has(name))
      if (taken !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'name'],
          message: `metric ${taken} is already produced by ${owners.get(taken)}`,
        })
        return
      }
      for (const name of exposedNames(rule)) owners.set(name, `rules[${i}] (${rule.type} "${rule.name}")`)
    })
  })
  // Parses `{}` when the section is absent, so the inner defaults apply.
  .prefault({})
export type MetricsConfig = z.output<typeof MetricsConfig>
