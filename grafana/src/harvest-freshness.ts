/**
 * Harvest freshness: seconds since each symbol's last publish cycle (the
 * recording rule QuantumHarvestMetricsStale alerts on), green under 30 s,
 * yellow under 60 s, red above; and what the proposals say.
 */
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard'
import { PanelBuilder as BarGauge } from '@grafana/grafana-foundation-sdk/bargauge'
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat'
import { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table'
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries'
import { grid } from './layout.js'
import { dashboard, labelVariable, promql, promqlTable } from './queries.js'
import { thresholds } from './thresholds.js'

/** The thresholds the issue sets: green < 30 s, yellow < 60 s, red above. */
export const FRESHNESS = () => thresholds('green', [30, 'yellow'], [60, 'red'])
const staleness = 'symbol:quantum_harvest_staleness:seconds{symbol=~"$symbol"}'

export function harvestFreshness(): DashboardBuilder {
  const place = grid()
  return dashboard('Quantum harvest freshness', { uid: 'threadline-harvest-freshness', tags: ['quantum', 'harvest'], refresh: '10s', from: 'now-3h' })
    .withVariable(labelVariable('symbol', 'quantum_harvest_last_update_epoch'))
    .withPanel(place(new BarGauge().title('Seconds since last publish').unit('s').thresholds(FRESHNESS()).withTarget(promql(staleness, '{{symbol}}')), 12, 8))
    .withPanel(place(new Stat().title('Stalest symbol').unit('s').thresholds(FRESHNESS()).withTarget(promql(`max(${staleness})`)), 6, 8))
    .withPanel(place(new Stat().title('Harvest Redis').withTarget(promql('min(quantum_harvest_redis_up)')), 6, 8))
    .withPanel(place(new TimeSeries().title('Staleness over time').unit('s').thresholds(FRESHNESS()).withTarget(promql(staleness, '{{symbol}}')), 24, 8))
    .withPanel(place(new TimeSeries().title('Kill score').withTarget(promql('max by (symbol) (quantum_harvest_kill_score{symbol=~"$symbol"})', '{{symbol}}')), 12, 8))
    .withPanel(
      place(
        new TimeSeries()
          .title('Publishes skipped by rate limiting')
          .description('The publisher still writes last_update_epoch when it skips: a stale symbol with skips here is rate limited, not dead.')
          .unit('ops')
          .withTarget(promql('sum(rate(quantum_harvest_publish_rate_limited_total[$__rate_interval]))', 'skipped/s')),
        12,
        8,
      ),
    )
    .withPanel(place(new Table().title('Current action per symbol').withTarget(promqlTable('max by (symbol, action) (quantum_harvest_action_info{symbol=~"$symbol"})')), 24, 8))
}
