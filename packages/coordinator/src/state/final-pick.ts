import { isBetter, type CandidateRecord, type Direction } from './types.js';

export interface FinalPick {
  candidateId: string;
  by: 'validation' | 'search';
  score: number;
}

/**
 * The run's submission (reference/aira2.md §2, "Final submission"): the valid candidate with the
 * best validation score when the evaluator gives validation scores, else the best search score.
 * `atActiveMs` applies the same rule at a checkpoint: only candidates added before that much of
 * the run's active time count.
 */
export function finalPick(candidates: Iterable<CandidateRecord>, direction: Direction, atActiveMs = Infinity): FinalPick | null {
  const eligible = [...candidates].filter((c) => c.scores.valid && c.timings.activeMs <= atActiveMs);
  const by = (key: 'validation' | 'search'): FinalPick | null => {
    let best: FinalPick | null = null;
    for (const c of eligible) {
      const s = c.scores[key];
      if (typeof s !== 'number' || !Number.isFinite(s)) continue;
      if (!best || isBetter(s, best.score, direction)) best = { candidateId: c.id, by: key, score: s };
    }
    return best;
  };
  const anyValidation = eligible.some((c) => typeof c.scores.validation === 'number');
  return anyValidation ? by('validation') : by('search');
}
