import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import type { JournalEvent } from '@aira/coordinator';

/** Sandbox mechanisms that keep candidate code away from the coordinator's files. */
export const PROTECTING = new Set(['bubblewrap']);

export const UNPROTECTED_WARNING =
  "HCE is NOT protected: candidate code runs without a sandbox on a worker that can read this machine's files, so it could read the hidden answers. Scores of this run are marked unprotected.";

/** Whether a worker's reported sandbox protects hidden data (anything unknown does not). */
export function isProtecting(sandbox: string | undefined): boolean {
  return sandbox !== undefined && PROTECTING.has(sandbox);
}

/**
 * Follows a run's journal as it grows (reading only new bytes) to learn which worker ran each
 * attempt and whether that worker has a sandbox: the evaluator marks a candidate unprotected when
 * its worker had none (docs/words.md §Sandbox: without a sandbox, hidden data on the same
 * machine is not protected; aira says so loudly and marks such runs).
 */
export class ProtectionTracker {
  private offset = 0;
  private partial = '';
  private readonly sandbox = new Map<string, string | undefined>();
  private readonly attempts = new Map<string, string>();

  constructor(private readonly journal: string) {}

  private update(): void {
    if (!existsSync(this.journal)) return;
    const fd = openSync(this.journal, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      const text = this.partial + buf.toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          this.apply(JSON.parse(line) as JournalEvent);
        } catch {
          /* a torn line is re-read by nobody; protection only needs joins and attempts */
        }
      }
    } finally {
      closeSync(fd);
    }
  }

  private apply(e: JournalEvent): void {
    if (e.type === 'worker.joined') this.sandbox.set(e.workerId, e.info.sandbox);
    else if (e.type === 'attempt.started') this.attempts.set(`${e.jobId}#${e.attempt}`, e.workerId);
  }

  /** The sandbox of the worker that ran an attempt ("unknown" when the journal does not say). */
  protectionOf(jobId: string, attempt: number): { workerId: string | null; sandbox: string } {
    this.update();
    const workerId = this.attempts.get(`${jobId}#${attempt}`) ?? null;
    if (workerId === null || !this.sandbox.has(workerId)) return { workerId, sandbox: 'unknown' };
    return { workerId, sandbox: this.sandbox.get(workerId) ?? 'none' };
  }
}

/** Whether any worker of a run (from its journal events) lacked a sandbox. */
export function journalUnprotected(events: readonly JournalEvent[]): boolean {
  return events.some((e) => e.type === 'worker.joined' && !isProtecting(e.info.sandbox));
}
