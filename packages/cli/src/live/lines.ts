import { formatDuration } from '@aira/core';
import type { JournalEvent } from '@aira/coordinator';

/** One plain line per notable event (for logs and pipes), or null for events not worth a line. */
export function eventLine(runId: string, e: JournalEvent): string | null {
  const at = `[${runId} ${formatDuration(e.active)}]`;
  switch (e.type) {
    case 'run.started':
      return `${at} started (${e.competition ?? 'no competition'}, ${e.policy})`;
    case 'candidate.added': {
      const c = e.candidate;
      const s = c.scores;
      const lineage = c.parents.length ? `(${c.parents.join('+')})` : '';
      const text = s.valid ? `score ${s.search}` : `invalid: ${reasonLine(s.reason ?? '')}`;
      return `${at} ${c.id} ${c.operator}${lineage} on ${c.workerId}: ${text}`;
    }
    case 'worker.lost':
      return `${at} worker ${e.workerId} lost: ${e.reason}`;
    case 'slurm.job':
      return `${at} slurm job ${e.jobId} ${e.action}${e.state ? `: ${e.state}` : ''}${e.reason ? ` (${e.reason})` : ''}`;
    case 'attempt.abandoned':
      return `${at} ${e.jobId} attempt ${e.attempt} abandoned: ${e.reason}`;
    case 'run.ended': {
      const pick = e.finalPick
        ? `final pick ${e.finalPick.candidateId} (${e.finalPick.by} score ${e.finalPick.score})`
        : 'no valid candidate';
      return `${at} ended (${e.reason}): ${pick}`;
    }
    default:
      return null;
  }
}

/**
 * A failure reason on one line, never cut: its first line (what failed) and, when there is more
 * (a traceback), its last line, which names the exception.
 */
export function reasonLine(reason: string): string {
  const lines = reason
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length <= 1) return lines[0] ?? 'no reason given';
  return `${lines[0]} — ${lines[lines.length - 1]}`;
}
