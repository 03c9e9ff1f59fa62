/**
 * Retry delays: exponential with "equal jitter" (half the step fixed, half
 * random; see the AWS Architecture Blog, "Exponential Backoff And Jitter"),
 * so a fleet of agents that lost Loki together does not come back together,
 * yet no retry fires almost at once the way full jitter allows.
 */

export interface BackoffOptions {
  /** First delay, ms (the 0.5 s). */
  minMs: number
  /** Cap, ms (the 5 min); also caps a server's Retry-After. */
  maxMs: number
}

/**
 * Delay before retry number `attempt` (0 for the first retry). A Retry-After
 * the server sent is honoured as a floor, capped at `maxMs` so a bogus header
 * cannot park the queue for hours.
 */
export function backoffDelay(
  attempt: number,
  { minMs, maxMs }: BackoffOptions,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 52))
  const jittered = step / 2 + random() * (step / 2)
  return Math.round(Math.max(jittered, Math.min(retryAfterMs ?? 0, maxMs)))
}

/** Checks options at construction, naming what was expected and received. */
export function checkBackoffOptions({ minMs, maxMs }: BackoffOptions): void {
  if (!(Number.isFinite(minMs) && minMs > 0)) throw new TypeError(`backoff minMs must be a positive number, received ${minMs}`)
  if (!(Number.isFinite(maxMs) && maxMs >= minMs)) {
    throw new TypeError(`backoff maxMs must be a number >= minMs (${minMs}), received ${maxMs}`)
  }
}
