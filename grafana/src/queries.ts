/**
 * The two datasources the dashboards query (uids fixed by
 * grafana/provisioning/datasources/threadline.yml) and one builder per query
 * language, so every panel names its datasource the same way.
 */
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard'
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
