import { GRADED_COMPETITIONS, gradeSubmission, pyRound } from '@aira/grading';
import type { GradeOutcome } from './plugin-api.js';

/**
 * The binding to @aira/grading's built-in graders, by competition id: MLE-bench's own checks,
 * metric and rounding (docs/mlebench-grading.md §Grading a submission). Problems with the answers file are operator
 * errors and are thrown; problems with the submission make it invalid.
 */
export function gradeBuiltin(id: string, submission: string, answers: string): GradeOutcome {
  const r = gradeSubmission(id, submission, answers);
  return r.valid
    ? { score: r.score, valid: true }
    : { score: null, valid: false, error: r.reason ?? 'invalid submission' };
}

export function hasBuiltinGrader(id: string): boolean {
  return GRADED_COMPETITIONS.includes(id);
}

/** MLE-bench rounds every score to 5 decimals with Python's round (docs/mlebench-grading.md §Grading a submission step 4). */
export function roundScore(x: number): number {
  return pyRound(x, 5);
}
