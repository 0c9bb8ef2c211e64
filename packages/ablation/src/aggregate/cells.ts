import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { endOf, readJournal, replay, type JournalEvent } from '@aira/coordinator';
import type { Medal } from '@aira/grading';
import { detailsOf, pickAt, pickScores, PICK_EVENTS, type CheckpointPick, type PickScores } from '@aira/hce';
import type { Checkpoint } from '../matrix/checkpoints.js';
import { ablationPaths, runIdOf, type AblationDoc } from '../study/files.js';

export type { Medal };

/** The submission of a cell at one checkpoint (hce's pickAt on the cell's journal). */
export interface CellPick extends PickScores {
  checkpoint: string;
  atMs: number;
  /** False while the cell has not run that long yet (it is left out of the tables at that checkpoint). */
  reached: boolean;
  candidateId: string | null;
  /** Valid candidates scored by then. */
  eligible: number;
}

/** A change of a cell's submission over its active time (the step function the plots draw). */
export interface PickStep {
  activeMs: number;
  candidateId: string | null;
  test: number | null;
  percentileRank: number;
}

export interface CellResult {
  cellId: string;
  variant: string;
  competition: string;
  seed: number;
  /** Workers the cell ran on: its local lease, else the distinct workers its journal saw join. */
  workers: number;
  /** Whether its workers reported GPUs (compute is then counted in GPU-hours). */
  gpus: boolean;
  state: 'pending' | 'running' | 'ended';
  endReason: string | null;
  /** Active time the journal reaches (ms). */
  activeMs: number;
  /** Unix ms of the journal's first and last event (null before the cell started). */
  span: [number, number] | null;
  jobs: number;
  candidates: number;
  valid: number;
  direction: 'maximize' | 'minimize';
  /** A worker had no sandbox: hidden answers were not protected (docs/words.md §Sandbox). */
  unprotected: boolean;
  leaderboard: { kind: string; file: string; exact: boolean } | null;
  evaluator: string | null;
  picks: CellPick[];
  steps: PickStep[];
}

/**
 * Reads one cell's run from its journal: the pick at each checkpoint and every change of the pick
 * over time, by hce's pickAt (docs/paper.md §HCE, final submission: best validation score among
 * candidates scored by then; its test score, medal and percentile rank as graded when it was added).
 */
export function readCell(
  dir: string,
  cell: AblationDoc['cells'][number],
  checkpoints: readonly Checkpoint[],
): CellResult {
  const runDir = join(ablationPaths(dir).cell(cell.cellId), runIdOf(cell.competition, cell.seed));
  const { events } = readJournal(join(runDir, 'journal.jsonl'));
  const state = replay([...events]);
  const ended = endOf(events);
  const activeMs = events.length ? events[events.length - 1]!.active : 0;
  const lean = events.filter((e) => PICK_EVENTS.has(e.type));
  const at = (ms: number): CheckpointPick => pickAt(lean, ms);
  const picks = checkpoints.map((c): CellPick => {
    const p = at(c.ms);
    return {
      checkpoint: c.label,
      atMs: c.ms,
      reached: ended !== null || activeMs >= c.ms,
      candidateId: p.candidateId,
      ...pickScores(p),
      eligible: p.eligible,
    };
  });
  const steps: PickStep[] = [];
  const times = [...new Set([...state.candidates.values()].map((c) => c.timings.activeMs))].sort(
    (a, b) => a - b,
  );
  for (const t of times) {
    const p = at(t);
    const last = steps[steps.length - 1];
    if (last && last.candidateId === p.candidateId) continue;
    steps.push({ activeMs: t, candidateId: p.candidateId, test: p.test, percentileRank: p.percentileRank });
  }
  const candidates = [...state.candidates.values()];
  const leaderboard = candidates.map((c) => detailsOf(c.scores).test?.leaderboard).find((l) => l);
  // run.prepared names the evaluator; journals written before it have only the run's manifest.
  const evaluator = state.prepared?.evaluator ?? manifestEvaluator(join(runDir, 'manifest.json'));
  const joined = new Set(
    events
      .filter((e) => e.type === 'worker.joined')
      .map((e) => (e as Extract<JournalEvent, { type: 'worker.joined' }>).workerId),
  );
  return {
    cellId: cell.cellId,
    variant: cell.variant,
    competition: cell.competition,
    seed: cell.seed,
    workers: cell.localWorkers ?? joined.size,
    gpus: events.some((e) => e.type === 'worker.joined' && (e.info.gpus?.length ?? 0) > 0),
    state: events.length === 0 ? 'pending' : ended ? 'ended' : 'running',
    endReason: ended?.reason ?? null,
    activeMs,
    span: events.length ? [events[0]!.t, events[events.length - 1]!.t] : null,
    jobs: state.jobs.size,
    candidates: candidates.length,
    valid: candidates.filter((c) => c.scores.valid).length,
    direction: (lean.length ? at(Infinity).direction : state.direction) ?? 'maximize',
    unprotected: lean.length ? at(Infinity).unprotected : false,
    leaderboard: leaderboard
      ? { ...leaderboard, file: leaderboard.file ?? '', exact: leaderboard.exact ?? true }
      : null,
    evaluator,
    picks,
    steps,
  };
}

function manifestEvaluator(path: string): string | null {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as { evaluator?: unknown };
    return typeof m.evaluator === 'string' ? m.evaluator : null;
  } catch {
    return null;
  }
}
