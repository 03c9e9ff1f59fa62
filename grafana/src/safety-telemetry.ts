/**
 * Safety telemetry: the eleven panels of the team's dashboard, on the
 * safety_telemetry plugin's metrics (issue 9), per exporter instance.
 */
import { MappingType, type DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard'
import { PanelBuilder as BarGauge } from '@grafana/grafana-foundation-sdk/bargauge'
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat'
import { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table'
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries'
import { grid } from './layout.js'
import { dashboard, labelVariable, promql, promqlTable } from './queries.js'
import { thresholds } from './thresholds.js'

const on = '{instance=~"$instance"}'
const red = (above: number) => thresholds('green', [above, 'red'])

export function safetyTelemetry(): DashboardBuilder {
  const place = grid()
  return dashboard('Quantum safety telemetry', { uid: 'threadline-safety-telemetry', tags: ['quantum', 'safety'], refresh: '15s', from: 'now-6h' })
    .withVariable(labelVariable('instance', 'quantum_safety_safe_mode').label('exporter'))
    .withPanel(
      place(
        new Stat()
          .title('Safe mode')
          .description('quantum:safety:safe_mode: while set, the executor refuses new orders (alert QuantumSafeModeActive).')
          .withTarget(promql(`max(quantum_safety_safe_mode${on})`))
          .mappings([{ type: MappingType.ValueToText, options: { '0': { text: 'off', color: 'green' }, '1': { text: 'ACTIVE', color: 'red' } } }])
          .thresholds(red(1)),
        4,
        4,
      ),
    )
    .withPanel(
      place(
        new Stat()
          .title('Safe mode TTL')
          .description('Seconds until safe mode clears by itself: -1 set without TTL, -2 not set.')
          .unit('s')
          .withTarget(promql(`max(quantum_safety_safe_mode_ttl_seconds${on})`))
          .mappings([{ type: MappingType.ValueToText, options: { '-1': { text: 'no TTL', color: 'red' }, '-2': { text: 'not set', color: 'green' } } }]),
        4,
        4,
      ),
    )
    .withPanel(place(new Stat().title('Fault stream length').withTarget(promql(`max(quantum_safety_fault_stream_length${on})`)), 4, 4))
    .withPanel(
      place(
        new Stat()
          .title('Faults last hour')
          .description('Entries of the last hour in the fault stream, and new faults in 5 minutes (the counter QuantumSafetyFaultSpike alerts on).')
          .withTarget(promql(`max(quantum_safety_faults_last_1h${on})`, 'last hour'))
          .withTarget(promql(`sum(job:quantum_safety_faults_observed:increase5m${on})`, 'new in 5m', 'B'))
          .thresholds(red(6)),
        4,
        4,
      ),
    )
    .withPanel(
      place(
        new Stat()
          .title('Redis connectivity')
          .description('The exporter reading Redis (alert QuantumRedisConnectionLost).')
          .withTarget(promql(`min(quantum_safety_redis_up${on})`))
          .mappings([{ type: MappingType.ValueToText, options: { '0': { text: 'LOST', color: 'red' }, '1': { text: 'connected', color: 'green' } } }]),
        4,
        4,
      ),
    )
    .withPanel(place(new Stat().title('Global rate (current minute)').withTarget(promql(`max(quantum_safety_rate_global_current_window${on})`)), 4, 4))
    .withPanel(place(new TimeSeries().title('Trade intent rate').unit('short').withTarget(promql(`max by (instance) (quantum_trade_intent_rate_per_min${on})`, 'intents/min {{instance}}')), 8, 8))
    .withPanel(place(new TimeSeries().title('Trade intent stream length').withTarget(promql(`max by (instance) (quantum_trade_intent_stream_length${on})`, '{{instance}}')), 8, 8))
    .withPanel(
      place(
        new BarGauge()
          .title('Top 5 symbols by rate')
          .description('quantum_safety_rate_symbol_top: this minute\'s counts of the five busiest symbols.')
          .withTarget(promql(`max by (rank, symbol) (quantum_safety_rate_symbol_top{instance=~"$instance", symbol!=""})`, '{{rank}}. {{symbol}}')),
        8,
        8,
      ),
    )
    .withPanel(
      place(
        new Table()
          .title('Last fault')
          .description('Reason, symbol and side of the newest fault, with its time.')
          .unit('dateTimeAsIso')
          .withTarget(promqlTable(`max by (reason, symbol, side) (quantum_safety_last_fault_info${on}) * on () group_left () (max(quantum_safety_last_fault_timestamp${on}) * 1000)`)),
        12,
        6,
      ),
    )
    .withPanel(
      place(
        new TimeSeries()
          .title('Exporter scrapes and errors')
          .unit('reqps')
          .withTarget(promql(`sum(rate(quantum_safety_exporter_scrapes_total${on}[$__rate_interval]))`, 'scrapes'))
          .withTarget(promql(`sum(rate(quantum_safety_exporter_errors_total${on}[$__rate_interval]))`, 'errors', 'B')),
        12,
        6,
      ),
    )
}
