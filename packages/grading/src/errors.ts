import { UserError } from '@aira/core/errors';

/**
 * MLE-bench's `InvalidSubmissionError`: the grader's own checks failed (missing column, wrong row
 * count, ids that do not match, values out of range). The score is None (docs/mlebench-grading.md §Grading a submission).
 */
export class InvalidSubmission extends Error {
  override name = 'InvalidSubmission';
}

/**
 * Any other failure inside a grader that MLE-bench catches as "unexpected error" and also scores
 * None: what scikit-learn or numpy would raise (NaN in input, a single class in y_true, …).
 */
export class MetricError extends Error {
  override name = 'MetricError';
}

/** The answers do not have the shape the grader needs: an operator error, never the agent's fault. */
export class AnswersError extends UserError {
  override name = 'AnswersError';
}

/** 1-based data row number for messages (the header is not counted). */
export const rowNo = (i: number): number => i + 1;

/** Short printable form of a cell value for messages. */
export function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
