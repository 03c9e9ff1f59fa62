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
