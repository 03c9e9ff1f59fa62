/** What every benchmark reports: a ratio measured within one run, against its target. */
export interface BenchResult {
  /** e.g. "SDK line cost / bare pino line cost". */
  name: string
  ratio: number
  /** Human-readable target, e.g. "<= 1.15". */
  target: string
  /** Whether the ratio meets the target. */
  met: boolean
  /** The raw figures behind the ratio (ns/line, lines/s, MB). */
  details: string
}

/** A benchmark module: `bench/<name>.ts` exports `run` returning its results. */
export type Benchmark = () => Promise<BenchResult[]>
