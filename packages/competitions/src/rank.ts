import {
  percentileRank,
  rankOnLeaderboard,
  readLeaderboard,
  thresholds,
  type Leaderboard,
  type RankInfo,
} from '@aira/grading';
import type { LeaderboardInfo } from './plugin-api.js';

/** Where a score stands: MLE-bench's medal flags and thresholds, plus Percentile Rank (docs/mlebench-grading.md §Percentile rank). */
export interface ScoreRank extends RankInfo {
  percentile_rank: number;
  /** True when the leaderboard is a substitute (ventilator-pressure-prediction, docs/mlebench-grading.md §Medals). */
  approximate_leaderboard: boolean;
}

export interface LeaderboardThresholds {
  teams: number;
  gold: number;
  silver: number;
  bronze: number;
  median: number;
  lowerIsBetter: boolean;
  exact: boolean;
}

/** Reads the leaderboard once, on first use (many of them are a few hundred kB). */
export function leaderboardReader(info: LeaderboardInfo | undefined): () => Leaderboard | undefined {
  let lb: Leaderboard | undefined;
  return () => (info ? (lb ??= readLeaderboard(info.file, info.exact)) : undefined);
}

export function rankScore(lb: Leaderboard, score: number | null): ScoreRank {
  return {
    ...rankOnLeaderboard(score, lb),
    percentile_rank: percentileRank(score, lb),
    approximate_leaderboard: !lb.exact,
  };
}

export function thresholdsOf(lb: Leaderboard): LeaderboardThresholds {
  const t = thresholds(lb);
  return {
    teams: lb.scores.length,
    gold: t.gold_threshold,
    silver: t.silver_threshold,
    bronze: t.bronze_threshold,
    median: t.median_threshold,
    lowerIsBetter: t.is_lower_better,
    exact: lb.exact,
  };
}
