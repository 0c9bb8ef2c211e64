import type { JournalEvent } from '@aira/coordinator';

/** Sandbox mechanisms that keep candidate code away from the coordinator's files. */
export const PROTECTING = new Set(['bubblewrap']);

export const UNPROTECTED_WARNING =
  "HCE is NOT protected: candidate code runs without a sandbox on a worker that can read this machine's files, so it could read the hidden answers. Scores of this run are marked unprotected.";

/** Whether a worker's reported sandbox protects hidden data (anything unknown does not). */
export function isProtecting(sandbox: string | undefined): boolean {
  return sandbox !== undefined && PROTECTING.has(sandbox);
}

/** Whether any worker of a run (from its journal events) lacked a sandbox. */
export function journalUnprotected(events: readonly JournalEvent[]): boolean {
  return events.some((e) => e.type === 'worker.joined' && !isProtecting(e.info.sandbox));
}
