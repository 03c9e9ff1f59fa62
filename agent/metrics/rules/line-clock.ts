/**
 * The clock pair timeouts are judged against. It is the newest line timestamp
 * seen (the watermark), so an agent catching up on a backlog does not time out
 * a start whose end is a few thousand lines further on; and once no line has
 * arrived for `idleMs` of wall time it moves on with the wall clock from there,
 * so a quiet agent still times out starts whose end never comes. It follows
 * wall time elapsed, never the wall clock's value: a service whose clock is off
 * by minutes does not make every start time out at once.
 */
export class LineClock {
  private newestLineMs = -Infinity
  private watermarkMs = -Infinity
  private lastLineWallMs: number

  constructor(
    private readonly wallNow: () => number,
    private readonly idleMs = 1000,
  ) {
    this.lastLineWallMs = wallNow()
  }

  /** The watermark in ms since the epoch; -Infinity before any line. */
  get nowMs(): number {
    return this.watermarkMs
  }

  /** Lines up to `newestMs` have arrived, just now; -Infinity when none of them may move the clock (their times were fallbacks). */
  linesArrived(newestMs: number): void {
    if (newestMs > this.newestLineMs) this.newestLineMs = newestMs
    if (newestMs > this.watermarkMs) this.watermarkMs = newestMs
    this.lastLineWallMs = this.wallNow()
  }

  /** Moves the watermark with wall time when the lines have gone quiet. */
  tick(): void {
    const idle = this.wallNow() - this.lastLineWallMs
    if (idle < this.idleMs) return
    const advanced = this.newestLineMs + idle
    if (advanced > this.watermarkMs) this.watermarkMs = advanced
  }
}
