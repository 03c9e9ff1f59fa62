/** Absolute threshold steps: a base colour, then `[value, colour]` from each value up. */
import { ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard'

export const thresholds = (base: string, ...steps: [number, string][]) =>
  new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: base }, ...steps.map(([value, color]) => ({ value, color }))])
