/**
 * What the rules put in the exposition, shared by the config (which checks
 * that no two rules expose one name) and the rules that expose them.
 */

/** Divisors from a field's unit to the base unit Prometheus expects (seconds for time). */
export const UNIT_DIVISORS = { s: 1, ms: 1e3, us: 1e6, ns: 1e9, none: 1 } as const

/** Names of the metric families a pair rule produces, by role. */
export function pairMetricNames(prefix: string) {
  return {
    started: `${prefix}_started_total`,
    completed: `${prefix}_completed_total`,
    unanswered: `${prefix}_unanswered_total`,
    pending: `${prefix}_pending`,
    duration: `${prefix}_duration_seconds`,
    late: `${prefix}_late_total`,
    orphanEnds: `${prefix}_orphan_ends_total`,
    duplicateStarts: `${prefix}_duplicate_starts_total`,
    duplicateEnds: `${prefix}_duplicate_ends_total`,
  }
}
