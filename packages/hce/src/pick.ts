import {
  finalPick,
  readJournal,
  replay,
  type CandidateRecord,
  type Direction,
  type JournalContents,
  type JournalEvent,
} from '@aira/coordinator';
import type { Medal } from '@aira/grading';
import { detailsOf } from './details.js';
import { journalUnprotected } from './protection.js';

/** How a checkpoint chooses: the run's rule (validation under HCE), or a comparison rule for studies. */
export type PickRule = 'final' | 'search' | 'oracle';

/** The submission at a checkpoint, with what reports need about its test score. */
export interface CheckpointPick {
  /** Active-time cut-off (ms); Infinity for the end of the run. */
  atMs: number;
  rule: PickRule;
  candidateId: string | null;
  /** Which score chose it. */
  by: 'validation' | 'search' | 'test' | null;
  search: number | null;
  validation: number | null;
  test: number | null;
  /** Percentile Rank of the test score; 0 with no pick or an invalid test file (docs/mlebench-grading.md §Percentile rank). */
  percentileRank: number;
  medal: Medal | null;
  anyMedal: boolean;
  aboveMedian: boolean;
  /** Valid candidates added before the cut-off. */
  eligible: number;
  /** A worker of this run had no sandbox: hidden answers were not protected (docs/words.md §Sandbox). */
  unprotected: boolean;
  direction: Direction;
}

/**
 * The events a pick reads (the run's facts, workers' sandboxes, candidates, the end): readers that
 * replay a long journal at many cut-offs keep only these, which give the same pick.
 */
export const PICK_EVENTS: ReadonlySet<JournalEvent['type']> = new Set<JournalEvent['type']>([
  'run.started',
  'run.prepared',
  'worker.joined',
  'candidate.added',
  'run.ended',
]);
/** What a pick scored: the score that chose it, its three scores and its MLE-bench standing. */
export type PickScores = Pick<
  CheckpointPick,
  'by' | 'search' | 'validation' | 'test' | 'percentileRank' | 'medal' | 'aboveMedian'
>;

export function pickScores(p: CheckpointPick): PickScores {
  const { by, search, validation, test, percentileRank, medal, aboveMedian } = p;
  return { by, search, validation, test, percentileRank, medal, aboveMedian };
}

function eventsOf(journal: string | JournalContents | readonly JournalEvent[]): readonly JournalEvent[] {
  if (typeof journal === 'string') return readJournal(journal).events;
  return Array.isArray(journal) ? (journal as readonly JournalEvent[]) : (journal as JournalContents).events;
}

function better(a: number, b: number, d: Direction): boolean {
  return d === 'maximize' ? a > b : a < b;
}

function bestBy(
  candidates: readonly CandidateRecord[],
  key: 'search' | 'test',
  d: Direction,
): CandidateRecord | null {
  let best: CandidateRecord | null = null;
  for (const c of candidates) {
    const s = c.scores[key];
    if (typeof s !== 'number' || !Number.isFinite(s)) continue;
    if (!best || better(s, best.scores[key] as number, d)) best = c;
  }
  return best;
}

/**
 * The submission a run would have made at active time `tMs` (docs/paper.md §HCE, final
 * submission; docs/words.md §checkpoint): among valid candidates added by then, the best validation
 * score (the coordinator's finalPick: validation when the evaluator gives it, else search, as with
 * --hce off). No retraining: its test score is the one graded when it was added. `rule` "search"
 * picks on the search score and "oracle" on the test score, for the paper's comparisons (§4.3.2).
 */
export function pickAt(
  journal: string | JournalContents | readonly JournalEvent[],
  tMs: number,
  rule: PickRule = 'final',
): CheckpointPick {
  const events = eventsOf(journal);
  const state = replay([...events]);
  // run.prepared's direction; in older journals the fold takes the one the candidates were graded with.
  const direction = state.direction;
  const eligible = [...state.candidates.values()].filter((c) => c.scores.valid && c.timings.activeMs <= tMs);
  let chosen: CandidateRecord | null = null;
  let by: CheckpointPick['by'] = null;
  if (rule === 'final') {
    const p = finalPick(eligible, direction, tMs);
    if (p) {
      chosen = state.candidates.get(p.candidateId) ?? null;
      by = p.by;
    }
  } else {
    chosen = bestBy(eligible, rule === 'search' ? 'search' : 'test', direction);
    by = chosen ? (rule === 'search' ? 'search' : 'test') : null;
  }
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  const t = chosen ? detailsOf(chosen.scores).test : undefined;
  return {
    atMs: tMs,
    rule,
    candidateId: chosen?.id ?? null,
    by,
    search: num(chosen?.scores.search),
    validation: num(chosen?.scores.validation),
    test: num(chosen?.scores.test),
    percentileRank: num(t?.percentileRank) ?? 0,
    medal: t?.medal ?? null,
    anyMedal: Boolean(t?.medal),
    aboveMedian: t?.aboveMedian ?? false,
    eligible: eligible.length,
    unprotected: journalUnprotected(events),
    direction,
  };
}

/** pickAt at each checkpoint (ms of active time), in order. */
export function picksAtCheckpoints(
  journal: string | JournalContents | readonly JournalEvent[],
  checkpointsMs: readonly number[],
  rule: PickRule = 'final',
): CheckpointPick[] {
  const events = eventsOf(journal);
  return checkpointsMs.map((t) => pickAt(events, t, rule));
}
