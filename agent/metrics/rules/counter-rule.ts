/** `type: counter`: lines matching a predicate, by label values. */
import type { LogEvent } from '../../core/types.js'
import { BufferedCounter } from './buffered.js'
import type { CounterRule } from './config.js'
import { compileMatch } from './predicate.js'
import type { LineRule, RuleContext } from './rule-context.js'

export function createCounterRule(rule: CounterRule, context: RuleContext): LineRule {
  const matches = compileMatch(rule.match)
  const counter = new BufferedCounter(context.registry, rule.name, rule.help ?? `Lines matching ${JSON.stringify(rule.match)}.`, rule.labels)
  const series = context.seriesByLabels(rule.name, rule.labels, (values) => counter.cell(values))
  return {
    observe(event: LogEvent) {
      if (matches(event)) series.forLine(event).value++
    },
  }
}
