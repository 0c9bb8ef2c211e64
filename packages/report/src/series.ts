import { FinalPicker, type CandidateRecord } from '@aira/coordinator';
import type { Direction, ScoreSeries, SeriesPoint } from './types.js';

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function push(points: SeriesPoint[], activeMs: number, score: number | null): void {
  if (score === null) return;
  const last = points[points.length - 1];
  if (last && last.score === score) return;
  points.push({ activeMs, score });
}

/** Repeats each series' last value at the end of the run, so step lines reach the right edge. */
function extend(points: SeriesPoint[], endMs: number): void {
  const last = points[points.length - 1];
  if (last && endMs > last.activeMs) points.push({ activeMs: endMs, score: last.score });
}

/**
 * Scores over the run's active time, one point where a value changes: the best search score so
 * far, and the validation and test score of the submission the run would have made at that time
 * (the coordinator's final-pick rule over the candidates added by then, as a checkpoint cuts them),
 * fed one candidate at a time so a run of any size costs one pass.
 */
export function scoreSeries(
  candidates: readonly CandidateRecord[],
  direction: Direction,
  endMs: number,
): ScoreSeries {
  const out: ScoreSeries = { search: [], validation: [], test: [] };
  const sorted = [...candidates].sort((a, b) => a.timings.activeMs - b.timings.activeMs);
  const byId = new Map(sorted.map((c) => [c.id, c]));
  let best: number | null = null;
  const picker = new FinalPicker(direction);
  for (let i = 0; i < sorted.length; i++) {
    const c = sorted[i]!;
    const t = c.timings.activeMs;
    const s = num(c.scores.search);
    if (c.scores.valid && s !== null && (best === null || (direction === 'maximize' ? s > best : s < best)))
      best = s;
    picker.add(c);
    // Candidates added at the same instant count together.
    if (i + 1 < sorted.length && sorted[i + 1]!.timings.activeMs === t) continue;
    push(out.search, t, best);
    const p = picker.pick();
    const picked = p ? byId.get(p.candidateId) : undefined;
    push(out.validation, t, num(picked?.scores.validation));
    push(out.test, t, num(picked?.scores.test));
  }
  for (const s of [out.search, out.validation, out.test]) extend(s, endMs);
  return out;
}
