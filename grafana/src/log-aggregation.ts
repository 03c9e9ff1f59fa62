/**
 * Log aggregation: errors by level and by service (the agents' log-derived
 * metrics, cheap and exact), and the order flow from Loki: the lines of one
 * request picked by the `correlation_id` variable, and the order events over
 * time. correlation_id is a line field, never a label, so it is filtered
 * with a line filter first (cheap) and parsed second.
 */
import { TextBoxVariableBuilder, type DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard'
import { PanelBuilder as Logs } from '@grafana/grafana-foundation-sdk/logs'
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries'
import { grid } from './layout.js'
import { dashboard, labelVariable, logql, promql } from './queries.js'

const ORDER_EVENTS = 'INTENT_RECEIVED|ORDER_SUBMIT|ORDER_RESPONSE'

export function logAggregation(): DashboardBuilder {
  const place = grid()
  return dashboard('Threadline log aggregation', { uid: 'threadline-log-aggregation', tags: ['logs'], refresh: '30s', from: 'now-1h' })
    .withVariable(labelVariable('service', 'log_messages_total'))
    .withVariable(new TextBoxVariableBuilder('correlation_id').label('correlation_id').description('Paste an id from a log line; empty shows every order flow line.'))
    .withPanel(
      place(
        new TimeSeries()
          .title('Warnings and errors by level')
          .unit('short')
          .withTarget(promql('sum by (level) (rate(log_messages_total{service=~"$service", level=~"warn|error|fatal"}[$__rate_interval]))', '{{level}}')),
        12,
        8,
      ),
    )
    .withPanel(
      place(
        new TimeSeries()
          .title('Error lines/s by service')
          .description('The recording rule HighErrorRate alerts on (over 10/s for 2 minutes).')
          .withTarget(promql('sum by (service) (service:log_error_lines:rate2m{service=~"$service"})', '{{service}}')),
        12,
        8,
      ),
    )
    .withPanel(
      place(
        new Logs()
          .title('Order flow of $correlation_id')
          .description('Every intent, submit and response line carrying the id; open a line for its links: all lines of the request, and the agent\'s timeline page.')
          .showTime(true)
          .enableLogDetails(true)
          .wrapLogMessage(true)
          .withTarget(logql(`{service=~"$service", event=~"${ORDER_EVENTS}"} |= "$correlation_id" | json`)),
        24,
        12,
      ),
    )
    .withPanel(
      place(
        new TimeSeries()
          .title('Order events timeline')
          .withTarget(logql(`sum by (event) (count_over_time({service=~"$service", event=~"${ORDER_EVENTS}"}[$__interval]))`, '{{event}}')),
        12,
        8,
      ),
    )
    .withPanel(
      place(
        new TimeSeries()
          .title('Order response time P95 and unanswered submits')
          .withTarget(promql('max by (service) (service:order_duration_seconds:p95_5m{service=~"$service"})', 'P95 {{service}} (s)'))
          .withTarget(promql('sum by (service, reason) (increase(order_unanswered_total{service=~"$service"}[5m]))', 'unanswered {{service}} {{reason}}', 'B')),
        12,
        8,
      ),
    )
}
