import { isBetter, type CandidateRecord, type Direction } from './types.js';

export interface FinalPick {
  candidateId: string;
  by: 'validation' | 'search';
  score: number;
}

/**
 * The final-pick rule fed one candidate at a time (in the order they were added), so a series of
 * picks over a run's time costs one pass: the best validation score among valid candidates when any
 * has a validation score, else the best search score; the earlier candidate wins a tie.
 */
export class FinalPicker {
  private best: Record<'validation' | 'search', FinalPick | null> = { validation: null, search: null };
  private anyValidation = false;

  constructor(readonly direction: Direction) {}

  add(c: CandidateRecord): void {
    if (!c.scores.valid) return;
    if (typeof c.scores.validation === 'number') this.anyValidation = true;
    for (const key of ['validation', 'search'] as const) {
      const s = c.scores[key];
      if (typeof s !== 'number' || !Number.isFinite(s)) continue;
      const b = this.best[key];
      if (!b || isBetter(s, b.score, this.direction))
        this.best[key] = { candidateId: c.id, by: key, score: s };
    }
  }

  pick(): FinalPick | null {
    return this.anyValidation ? this.best.validation : this.best.search;
  }
}

/**
 * The run's submission (docs/paper.md §HCE, final submission): the valid candidate with the
 * best validation score when the evaluator gives validation scores, else the best search score.
 * `atActiveMs` applies the same rule at a checkpoint: only candidates added before that much of
 * the run's active time count.
 */
export function finalPick(
  candidates: Iterable<CandidateRecord>,
  direction: Direction,
  atActiveMs = Infinity,
): FinalPick | null {
  const picker = new FinalPicker(direction);
  for (const c of candidates) if (c.timings.activeMs <= atActiveMs) picker.add(c);
  return picker.pick();
}
