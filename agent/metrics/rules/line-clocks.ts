/**
 * The line clocks pair timeouts are judged by (one LineClock each, see
 * line-clock.ts). Lines whose own time is in step with the host's clock move
 * one shared clock; a service whose own times run ahead of the host's (its
 * lines carry `timeOrigin: 'ahead'`) gets a clock of its own, so its lines
 * never move the shared one and time out other services' pending pairs early.
 * A line stamped by fallback (no usable own time: a traceback, a truncated
 * write) moves no clock forward: its time is the read time, and in a backlog
 * that is "now", hours past the lines around it. It still counts as a line
 * arriving, which holds off the idle rule.
 */
import type { LogEvent } from '../../core/types.js'
import { LineClock } from './line-clock.js'

export class LineClocks {
  /** The clock of every service in step with the host. */
  readonly shared: LineClock
  private readonly ahead = new Map<string, LineClock>()

  constructor(private readonly wallNow: () => number) {
    this.shared = new LineClock(wallNow)
  }

  /** The clock that judges pairs started by a line of `service`. */
  clockOf(service: string): LineClock {
    // Most agents never see a service run ahead: then no lookup a start.
    return this.ahead.size === 0 ? this.shared : (this.ahead.get(service) ?? this.shared)
  }

  /** Every clock, the shared one first. */
  all(): LineClock[] {
    return this.ahead.size === 0 ? [this.shared] : [this.shared, ...this.ahead.values()]
  }

  /** A batch of lines arrived just now; call after the rules have seen it. */
  observe(events: readonly LogEvent[]): void {
    this.shared.linesArrived(this.newestInStep(events))
  }

  /**
   * The newest own time of the batch's lines in step with the host; moves the
   * clocks of services running ahead. The loop is kept out of observe(): in
   * it, V8 compiled observe() within the first batches, before the shared
   * clock's linesArrived() had type feedback, and threw the code away at its
   * first call (bench/PERFORMANCE-LOG.md, 2026-12-06, tenth session).
   */
  private newestInStep(events: readonly LogEvent[]): number {
    let newest = -Infinity
    for (const event of events) {
      if (event.timeOrigin === 'own') {
        if (event.tsMs > newest) newest = event.tsMs
      } else if (event.timeOrigin === 'ahead') {
        this.aheadClockOf(event.service).linesArrived(event.tsMs)
      }
    }
    return newest
  }

  /** The clock of a service that has shown it runs ahead: created on its first such line, kept from then on. */
  aheadClockOf(service: string): LineClock {
    let clock = this.ahead.get(service)
    if (clock === undefined) {
      clock = new LineClock(this.wallNow)
      this.ahead.set(service, clock)
    }
    return clock
  }

  tick(): void {
    for (const clock of this.all()) clock.tick()
  }
}
