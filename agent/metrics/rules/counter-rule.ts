/** `type: counter`: lines matching a predicate, by label values. */
import type { LogEvent } from '../../core/types.js'
import { BufferedCounter } from './buffered.js'
import type { CounterRule } from './config.js'
import { compileMatch } from './predicate.js'
import { LABEL_SET_FIELDS, type LineRule, type RuleContext } from './rule-context.js'

export function createCounterRule(rule: CounterRule, context: RuleContext): LineRule {
  const matches = compileMatch(rule.match)
  const counter = new BufferedCounter(context.registry, rule.name, rule.help ?? `Lines matching ${JSON.stringify(rule.match)}.`, rule.labels)
  const series = context.seriesByLabels(rule.name, rule.labels, (values) => counter.cell(values))
  return {
    sameForLabelSet: [...Object.keys(rule.match), ...rule.labels].every((name) => LABEL_SET_FIELDS.has(name)),
    observe(event: LogEvent, lines = 1) {
      if (matches(event)) series.forLine(event, lines).value += lines
    },
  }
}
