/**
 * rules/loki: every Loki ruler expression parses with Grafana's LogQL
 * grammar, every alert carries the same labels and annotations as the
 * Prometheus ones, and the grammar does reject a broken expression.
 */
import t from 'tap'
import { logqlErrors } from '../support/logql.js'
import { alertsOf, lokiRuleFiles, rulesOf } from '../support/ops-files.js'

t.test('every Loki ruler expression is valid LogQL', async (t) => {
  const rules = rulesOf(lokiRuleFiles())
  t.ok(rules.length >= 2)
  for (const rule of rules) t.strictSame(logqlErrors(rule.expr), [], `${rule.alert ?? rule.record}: ${rule.expr}`)
})

t.test('the grammar rejects what Loki would', async (t) => {
  t.not(logqlErrors('sum(rate({service=}[5m]))').length, 0, 'empty matcher value')
  t.not(logqlErrors('rate({service="a"})').length, 0, 'range aggregation without a range')
  t.not(logqlErrors('').length, 0, 'empty')
  t.strictSame(logqlErrors('{service=~".+"} |= "abc" | json | correlation_id="abc"'), [], 'the trace query')
})

t.test('Loki alerts: severity, summary, description, runbook_url; only cross-agent questions', async (t) => {
  const alerts = alertsOf(lokiRuleFiles())
  t.strictSame(alerts.map((a) => a.alert), ['ServiceErrorLinesAllAgents', 'UnansweredSubmitsAllServices'])
  for (const alert of alerts) {
    t.match(alert.labels?.severity, /^(critical|warning)$/)
    for (const key of ['summary', 'description', 'runbook_url']) t.ok(alert.annotations?.[key], `${alert.alert} ${key}`)
    // Loki's own metric queries start from a stream selector, never a Prometheus metric name.
    t.match(alert.expr, /\{[a-z_]+=~?"/, `${alert.alert} selects log streams`)
  }
})
