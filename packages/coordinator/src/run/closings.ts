import { errorMessage, type Logger } from '@aira/core';

/**
 * Session closes still under way. Closing is best effort (a worker that is gone closes nothing and
 * its own leftovers sweep reclaims the folder), so a failure is logged, never thrown; the run's end
 * waits for them, bounded, so that nothing is left behind on workers that answer.
 */
export class Closings {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  add(p: Promise<unknown>, what: Record<string, unknown>): void {
    const t: Promise<void> = p
      .then(
        () => undefined,
        (err: unknown) => this.logger.warn({ ...what, err: errorMessage(err) }, 'closing a session failed'),
      )
      .finally(() => this.pending.delete(t));
    this.pending.add(t);
  }

  /** Resolves when every close ended, or after `ms`. */
  async settle(ms: number): Promise<void> {
    await Promise.race([Promise.all([...this.pending]), new Promise((r) => setTimeout(r, ms).unref())]);
  }
}
