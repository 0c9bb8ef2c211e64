import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { loadAnswers } from './answers.js';
import { CsvError } from './csv/errors.js';
import { readCsv } from './csv/reader.js';
import { Table } from './csv/table.js';
import { AnswersError, InvalidSubmission, MetricError } from './errors.js';
import { metricFor, type Answers } from './graders/index.js';
import {
  percentileRank,
  rankOnLeaderboard,
  registeredLeaderboard,
  type Leaderboard,
  type RankInfo,
} from './leaderboard.js';
import { pyRound } from './pyround.js';

export interface GradeResult {
  competitionId: string;
  /** `round(score, 5)` as Python rounds it; null when the submission is missing or invalid. */
  score: number | null;
  /** The grader's value before rounding (null when invalid). */
  rawScore: number | null;
  /** MLE-bench's valid_submission: score is not None (a NaN score is valid but never medals). */
  valid: boolean;
  /** Why the submission is invalid or missing; null when valid. */
  reason: string | null;
  /** A `.csv` file existed at the path (true for an in-memory table). */
  submissionExists: boolean;
}

/**
 * Grades one submission exactly as MLE-bench's `grade_csv` + `Grader.__call__` do
 * (docs/mlebench-grading.md §Grading a submission): missing or non-.csv path → no score; the grader's own checks or any
 * failure inside it → None with the reason; otherwise the score rounded to 5 decimals. Problems
 * with the answers are operator errors and are thrown (AnswersError / CsvError).
 */
export function gradeSubmission(
  competitionId: string,
  submission: string | Table,
  answers: string | Answers,
): GradeResult {
  const grader = metricFor(competitionId);
  const base = { competitionId, score: null, rawScore: null, valid: false };
  let table: Table;
  if (typeof submission === 'string') {
    if (!existsSync(submission) || !statSync(submission).isFile())
      return { ...base, reason: `no submission file at ${submission}`, submissionExists: false };
    if (extname(submission).toLowerCase() !== '.csv')
      return {
        ...base,
        reason: `the submission must be a .csv file: ${submission}`,
        submissionExists: false,
      };
    try {
      table = readCsv(submission);
    } catch (err) {
      if (err instanceof CsvError)
        return { ...base, reason: `unreadable CSV: ${err.message}`, submissionExists: true };
      throw err;
    }
  } else table = submission;
  const ans = typeof answers === 'string' ? loadAnswers(answers) : answers;
  if (grader.answers === 'jsonl' && !Array.isArray(ans))
    throw new AnswersError(`${competitionId} needs its JSONL answers (test.jsonl)`);
  if (grader.answers === 'csv' && Array.isArray(ans))
    throw new AnswersError(`${competitionId} needs CSV answers, got JSONL records`);
  let raw: number;
  try {
    raw = grader.grade(table, ans);
  } catch (err) {
    if (err instanceof AnswersError) throw err;
    const reason =
      err instanceof InvalidSubmission
        ? err.message
        : err instanceof MetricError
          ? `grading failed: ${err.message}`
          : `unexpected error while grading: ${(err as Error)?.message ?? String(err)}`;
    return { ...base, reason, submissionExists: true };
  }
  return {
    competitionId,
    score: pyRound(raw, 5),
    rawScore: raw,
    valid: true,
    reason: null,
    submissionExists: true,
  };
}

/** MLE-bench's CompetitionReport fields plus percentile rank and the leaderboard caveat. */
export interface GradeReport extends RankInfo {
  competition_id: string;
  score: number | null;
  submission_exists: boolean;
  valid_submission: boolean;
  created_at: string;
  submission_path: string;
  /** Percentile Rank (0–100) as docs/mlebench-grading.md §Percentile rank defines it; 0 for a missing or invalid submission. */
  percentile_rank: number;
  /** True when the leaderboard is not MLE-bench's exact file (ventilator-pressure-prediction). */
  approximate_leaderboard: boolean;
  reason: string | null;
}

/** Grades and ranks one submission (the registered leaderboard unless one is given). */
export function gradeReport(
  competitionId: string,
  submission: string | Table,
  answers: string | Answers,
  leaderboard?: Leaderboard,
): GradeReport {
  const result = gradeSubmission(competitionId, submission, answers);
  return reportFor(
    result,
    leaderboard ?? registeredLeaderboard(competitionId),
    typeof submission === 'string' ? submission : submission.source,
  );
}

/** Ranks an existing result on a leaderboard. */
export function reportFor(result: GradeResult, lb: Leaderboard, submissionPath: string): GradeReport {
  const rank = rankOnLeaderboard(result.score, lb);
  return {
    competition_id: result.competitionId,
    score: result.score,
    ...rank,
    submission_exists: result.submissionExists,
    valid_submission: result.valid,
    created_at: new Date().toISOString(),
    submission_path: submissionPath,
    percentile_rank: percentileRank(result.score, lb),
    approximate_leaderboard: !lb.exact,
    reason: result.reason,
  };
}
