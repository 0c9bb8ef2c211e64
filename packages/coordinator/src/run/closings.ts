import { errorMessage, type Logger } from '@aira/core';

/**
 * Session closes still under way. Closing is best effort (a worker that is gone closes nothing and
 * its own leftovers sweep reclaims the folder), so a failure is logged, never thrown; the run's end
 * waits for them, bounded, so that nothing is left behind on workers that answer.
 */
export class Closings {
  private readonly pending = new Set<Promise<void>>();
  private readonly held = new Map<
    string,
    Array<{ close: () => Promise<unknown>; what: Record<string, unknown> }>
  >();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly logger: Logger,
    /** How long a close waits for its worker's next exec at most. */
    private readonly holdMs = 250,
  ) {}

  /**
   * A submitted job's close, held until its worker runs its next exec (`release`) or `holdMs`
   * passed: sent at once it would reach the worker just before the next job's exec and delay it
   * (docs/dispatch.md).
   */
  hold(workerId: string, close: () => Promise<unknown>, what: Record<string, unknown>): void {
    const list = this.held.get(workerId) ?? [];
    list.push({ close, what });
    this.held.set(workerId, list);
    if (!this.timers.has(workerId)) {
      const timer = setTimeout(() => this.release(workerId), this.holdMs);
      timer.unref();
      this.timers.set(workerId, timer);
    }
  }

  /** Sends the closes held for a worker. */
  release(workerId: string): void {
    clearTimeout(this.timers.get(workerId));
    this.timers.delete(workerId);
    const list = this.held.get(workerId);
    this.held.delete(workerId);
    for (const { close, what } of list ?? []) this.add(close(), what);
  }

  add(p: Promise<unknown>, what: Record<string, unknown>): void {
    const t: Promise<void> = p
      .then(
        () => undefined,
        (err: unknown) => this.logger.warn({ ...what, err: errorMessage(err) }, 'closing a session failed'),
      )
      .finally(() => this.pending.delete(t));
    this.pending.add(t);
  }

  /** Resolves when every close (held ones sent now) ended, or after `ms`. */
  async settle(ms: number): Promise<void> {
    for (const workerId of [...this.held.keys()]) this.release(workerId);
    await Promise.race([Promise.all([...this.pending]), new Promise((r) => setTimeout(r, ms).unref())]);
  }
}
