import type { Table } from '../csv/table.js';

/** One JSON object per line of a `.jsonl` answers file (tensorflow2-question-answering). */
export type JsonRecord = Record<string, unknown>;
export type Answers = Table | JsonRecord[];

/** MLE-bench's `grade(submission, answers)` for one competition, before rounding. */
export interface Grader {
  id: string;
  /** What the grader computes, in words (docs/mlebench-grading.md §Metrics). */
  metric: string;
  /** Format of the private answers file. */
  answers: 'csv' | 'jsonl';
  /** Returns the raw score; throws InvalidSubmission / MetricError (→ None) or AnswersError. */
  grade(submission: Table, answers: Answers): number;
}

export function csvAnswers(a: Answers, id: string): Table {
  if (Array.isArray(a)) throw new TypeError(`${id} grades against CSV answers, got JSONL records`);
  return a;
}
