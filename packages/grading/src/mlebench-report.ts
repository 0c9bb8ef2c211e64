import { percentileRank, rankOnLeaderboard, type Leaderboard } from './leaderboard.js';

/**
 * MLE-bench's per-competition report as `mlebench grade` writes it (docs/mlebench-grading.md,
 * "Grading report"), plus aira's `percentile_rank` (0 for a missing or invalid submission).
 * Thresholds are null where the competition has no leaderboard.
 */
export interface CompetitionReport {
  competition_id: string;
  score: number | null;
  gold_threshold: number | null;
  silver_threshold: number | null;
  bronze_threshold: number | null;
  median_threshold: number | null;
  any_medal: boolean;
  gold_medal: boolean;
  silver_medal: boolean;
  bronze_medal: boolean;
  above_median: boolean;
  submission_exists: boolean;
  valid_submission: boolean;
  is_lower_better: boolean | null;
  created_at: string;
  submission_path: string;
  percentile_rank: number;
}

/** MLE-bench's grading report file: totals over a run group, then one report per run. */
export interface GradingReport {
  total_runs: number;
  total_runs_with_submissions: number;
  total_valid_submissions: number;
  total_medals: number;
  total_gold_medals: number;
  total_silver_medals: number;
  total_bronze_medals: number;
  total_above_median: number;
  competition_reports: CompetitionReport[];
}

export interface CompetitionReportInput {
  competitionId: string;
  /** The test score (null: no valid submission). */
  score: number | null;
  /** The competition's leaderboard, when it has one. */
  leaderboard: Leaderboard | null;
  submissionExists: boolean;
  submissionPath: string;
  createdAt: string;
  /** Percentile rank to report when there is no leaderboard to compute it from. */
  percentileRank?: number;
}

/** One competition report: the score ranked on the leaderboard with MLE-bench's medal rules. */
export function competitionReport(i: CompetitionReportInput): CompetitionReport {
  const rank = i.leaderboard ? rankOnLeaderboard(i.score, i.leaderboard) : null;
  return {
    competition_id: i.competitionId,
    score: i.score,
    gold_threshold: rank?.gold_threshold ?? null,
    silver_threshold: rank?.silver_threshold ?? null,
    bronze_threshold: rank?.bronze_threshold ?? null,
    median_threshold: rank?.median_threshold ?? null,
    any_medal: rank?.any_medal ?? false,
    gold_medal: rank?.gold_medal ?? false,
    silver_medal: rank?.silver_medal ?? false,
    bronze_medal: rank?.bronze_medal ?? false,
    above_median: rank?.above_median ?? false,
    submission_exists: i.submissionExists,
    valid_submission: i.score !== null,
    is_lower_better: rank?.is_lower_better ?? null,
    created_at: i.createdAt,
    submission_path: i.submissionPath,
    percentile_rank: i.leaderboard ? percentileRank(i.score, i.leaderboard) : (i.percentileRank ?? 0),
  };
}

/** The grading report of a run group (one competition report per run, as `grade_jsonl` writes it). */
export function gradingReport(reports: CompetitionReport[]): GradingReport {
  const n = (f: (r: CompetitionReport) => boolean) => reports.filter(f).length;
  return {
    total_runs: reports.length,
    total_runs_with_submissions: n((r) => r.submission_exists),
    total_valid_submissions: n((r) => r.valid_submission),
    total_medals: n((r) => r.any_medal),
    total_gold_medals: n((r) => r.gold_medal),
    total_silver_medals: n((r) => r.silver_medal),
    total_bronze_medals: n((r) => r.bronze_medal),
    total_above_median: n((r) => r.above_median),
    competition_reports: reports,
  };
}
