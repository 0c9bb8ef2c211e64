import { formatDuration } from '@aira/core';
import type { Protection, RunReport, StudyReport } from './types.js';

/** A score as MLE-bench reports it (5 decimals, trailing zeros dropped); "–" when there is none. */
export function fmtScore(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return String(Number(x.toFixed(5)));
}

export function fmtPercent(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : x.toFixed(1);
}

export function fmtTime(ms: number): string {
  return formatDuration(ms);
}

export function protectionText(p: Protection): { short: string; long: string } {
  if (p.sandboxes.length === 0)
    return { short: 'unknown (no worker joined)', long: 'No worker joined, so nothing ran.' };
  if (p.protected) {
    return {
      short: `sandbox (${p.sandboxes.join(', ')})`,
      long: `Candidate code ran in a sandbox (${p.sandboxes.join(', ')}): it could not read the hidden search, validation and test answers.`,
    };
  }
  return {
    short: `UNPROTECTED (sandbox: ${p.sandboxes.join(', ')})`,
    long:
      `Candidate code ran without a protecting sandbox (workers reported: ${p.sandboxes.join(', ')}), as the worker's user: it could have read the hidden answers on this machine, ` +
      'so these scores are marked unprotected.',
  };
}

export function directionText(run: RunReport): string {
  return run.direction === 'maximize' ? 'higher is better' : 'lower is better';
}

export function stateText(run: RunReport): string {
  const used = `${fmtTime(run.activeMs)} of ${fmtTime(run.budgetMs)} active time`;
  if (run.state === 'ended') return `ended (${run.endReason ?? 'unknown'}) after ${used}`;
  if (run.state === 'not started') return 'not started';
  if (run.state === 'stopped') return `stopped (${run.endReason ?? 'stop'}) after ${used}; resumable`;
  return `${run.state} after ${used}`;
}

export function medalText(medal: string | null): string {
  return medal ?? 'none';
}

/** Which leaderboards the ranks are against, said once for the whole study. */
export function leaderboardNote(report: StudyReport): string | null {
  const labels = [
    ...new Set(report.runs.map((r) => r.pick?.leaderboard?.label).filter((l): l is string => Boolean(l))),
  ];
  if (labels.length === 0) return null;
  if (labels.length === 1 && labels[0] === 'reference leaderboard') {
    return "Percentile ranks and medals are computed against each competition's reference leaderboard (the test scores of a spread of reference models, from trivial to strong, shipped with the competition), with MLE-bench's rules.";
  }
  return `Percentile ranks and medals are computed with MLE-bench's rules against: ${labels.join('; ')} (named per competition).`;
}

export function baselineText(run: RunReport): string {
  if (!run.baseline) return '–';
  return `${fmtScore(run.baseline.score)} (${run.baseline.model})`;
}

export function beatsText(run: RunReport): string {
  return run.beatsBaseline === null ? '–' : run.beatsBaseline ? 'yes' : 'NO';
}

/** One sentence on workers lost during a run (and their replacements), or null when none was. */
export function workerLossText(run: RunReport): string | null {
  if (run.workerLosses.length === 0) return null;
  const each = run.workerLosses.map(
    (l) => `${l.workerId} (${l.reason})${l.replacedBy ? `, replaced by ${l.replacedBy}` : ', not replaced'}`,
  );
  return `Workers lost: ${each.join('; ')}; their running jobs were run again.`;
}
