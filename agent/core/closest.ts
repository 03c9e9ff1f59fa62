/**
 * "Did you mean": the candidate within edit distance 2 of a typo, used for
 * unknown config keys and unknown command-line flags alike.
 */

/** The candidate within edit distance 2 of `typo` (case-insensitive), the nearest first; undefined when none is that close. */
export function closest(typo: string, candidates: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined
  for (const key of candidates) {
    const distance = editDistance(typo.toLowerCase(), key.toLowerCase())
    if (distance <= 2 && (!best || distance < best.distance)) best = { key, distance }
  }
  return best?.key
}

function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = []
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      // Adjacent transposition counts as one edit: "endpiont" is one slip from "endpoint".
      const transposition =
        i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] ? beforePrevious[j - 2]! + 1 : Infinity
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution, transposition)
    }
    beforePrevious = previous
    previous = current
  }
  return previous[b.length]!
}
