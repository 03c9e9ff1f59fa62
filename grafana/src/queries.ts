/**
 * The two datasources the dashboards query (uids fixed by
 * grafana/provisioning/datasources/threadline.yml), one builder per query
 * language, and the dashboard and variable every dashboard starts from.
 */
import { DashboardBuilder, QueryVariableBuilder, VariableRefresh, type DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard'
import { DataqueryBuilder as LokiQuery } from '@grafana/grafana-foundation-sdk/loki'
import { DataqueryBuilder as PrometheusQuery } from '@grafana/grafana-foundation-sdk/prometheus'

export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: 'threadline-prometheus' }
export const LOKI: DataSourceRef = { type: 'loki', uid: 'threadline-loki' }

/** A PromQL range query; `legend` in Grafana's {{label}} form. */
export const promql = (expr: string, legend = '', refId = 'A') =>
  new PrometheusQuery().datasource(PROMETHEUS).expr(expr).legendFormat(legend).refId(refId)

/** A PromQL instant query, as a table's rows. */
export const promqlTable = (expr: string, refId = 'A') =>
  new PrometheusQuery().datasource(PROMETHEUS).expr(expr).instant().format('table' as never).refId(refId)

export const logql = (expr: string, legend = '', refId = 'A') => new LokiQuery().datasource(LOKI).expr(expr).legendFormat(legend).refId(refId)

/**
 * A Prometheus label-values variable with "All" meaning `.+` (not Grafana's
 * default, the list of every value, which grows a query with each new one).
 */
export const labelVariable = (name: string, metric: string, label = name) =>
  new QueryVariableBuilder(name)
    .datasource(PROMETHEUS)
    .query(`label_values(${metric}, ${label})`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .includeAll(true)
    .allValue('.+')
    .multi(true)

/** A dashboard with the kit's conventions: fixed uid (links survive re-provisioning), `threadline` tag, browser time. */
export const dashboard = (title: string, { uid, tags, refresh, from }: { uid: string; tags: string[]; refresh: string; from: string }) =>
  new DashboardBuilder(title).uid(uid).tags(['threadline', ...tags]).refresh(refresh).time({ from, to: 'now' })
