/** `type: histogram`: a numeric field of matching lines, converted to its base unit. */
import { BufferedHistogram } from './buffered.js'
import type { LogEvent } from '../../core/types.js'
import type { HistogramRule } from './config.js'
import { UNIT_DIVISORS } from './exposition.js'
import { compileMatch, fieldReader } from './predicate.js'
import type { LineRule, RuleContext } from './rule-context.js'

export function createHistogramRule(rule: HistogramRule, context: RuleContext): LineRule {
  const matches = compileMatch(rule.match)
  const read = fieldReader(rule.field)
  const divisor = UNIT_DIVISORS[rule.unit]
  const help = rule.help ?? `Values of ${rule.field}${rule.unit === 'none' ? '' : ` in seconds (logged in ${rule.unit})`} on lines matching ${JSON.stringify(rule.match)}.`
  const histogram = new BufferedHistogram(context.registry, rule.name, help, rule.labels, rule.buckets)
  const series = context.seriesByLabels(rule.name, rule.labels, (values) => histogram.cell(values))
  return {
    observe(event: LogEvent) {
      if (!matches(event)) return
      const text = read(event)
      const value = text === undefined || text.trim() === '' ? NaN : Number(text)
      if (!Number.isFinite(value)) return context.skip(rule.name, 'no_value')
      series.forLine(event).observe(value / divisor)
    },
  }
}
