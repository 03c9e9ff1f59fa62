/** Measuring helpers the benchmarks share. */

/**
 * Best pass of each, in ns per line, over `rounds` rounds after one warm-up
 * round. The passes alternate so all see the same (shared, two-core) machine;
 * the best one is the least disturbed. Each pass returns a number that is
 * summed, so the JIT cannot optimise the work away.
 */
export function bestNsPerLine(lines: number, rounds: number, passes: Array<() => number>): number[] {
  const best = passes.map(() => Infinity)
  let sink = 0
  for (let round = -1; round < rounds; round++) {
    passes.forEach((pass, i) => {
      const started = process.hrtime.bigint()
      sink += pass()
      if (round >= 0) best[i] = Math.min(best[i]!, Number(process.hrtime.bigint() - started) / lines)
    })
  }
  if (sink < 0) throw new Error('unreachable: keeps the passes from being optimised away')
  return best
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** An interval the true median lies in with at least `coverage`, and the coverage it has. */
export interface MedianInterval {
  low: number
  high: number
  coverage: number
}

/**
 * The distribution-free interval for a median (the sign test's): between the
 * k-th smallest and the k-th largest of n values, which holds the median
 * with probability 1 − 2·P(Binomial(n, ½) ≤ k − 1), whatever the noise's
 * shape. The narrowest one with at least `minCoverage`; undefined when even
 * the smallest and largest values do not reach it (too few rounds). On these
 * shared machines a round's on ÷ off moved ±15 %, so a bench run says where
 * its median could be, not only where it fell.
 */
export function medianInterval(values: readonly number[], minCoverage = 0.9): MedianInterval | undefined {
  const sorted = [...values].sort((a, b) => a - b)
  const n = sorted.length
  let found: MedianInterval | undefined
  let below = 0 // P(Binomial(n, ½) ≤ k − 1), summed as k grows
  let term = 2 ** -n // P(Binomial(n, ½) = k − 1)
  for (let k = 1; 2 * k <= n + 1; k++) {
    below += term
    const coverage = 1 - 2 * below
    if (coverage < minCoverage) break
    found = { low: sorted[k - 1]!, high: sorted[n - k]!, coverage }
    term = (term * (n - k + 1)) / k
  }
  return found
}

/** An interval as the benchmarks print it: "within 1.039–1.149 at 95 % confidence (sign test)". */
export function intervalText({ low, high, coverage }: MedianInterval): string {
  return `within ${low.toFixed(3)}–${high.toFixed(3)} at ${Math.floor(coverage * 100)} % confidence (sign test)`
}
