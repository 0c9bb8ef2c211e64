import { UserError } from '@aira/core/errors';
import { readCsv } from './csv/reader.js';
import { pandasMedian } from './npmath.js';
import { competitionEntry } from './registry.js';

/** A Kaggle private leaderboard in MLE-bench's format (only `score` is used), best row first. */
export interface Leaderboard {
  scores: Float64Array;
  path: string;
  /** False when the file is an approximation of MLE-bench's leaderboard (ventilator-pressure-prediction). */
  exact: boolean;
}

/** Reads a leaderboard CSV's `score` column (docs/mlebench-grading.md §Registry, §Medals). */
export function readLeaderboard(path: string, exact = true): Leaderboard {
  const table = readCsv(path);
  const col = table.get('score');
  if (!col)
    throw new UserError(
      `${path}: a leaderboard needs a "score" column (has: ${table.columns.join(', ') || 'none'})`,
    );
  if (table.rowCount === 0) throw new UserError(`${path}: the leaderboard has no rows`);
  const numeric = col.toNumeric();
  if (!numeric.ok)
    throw new UserError(`${path}: score on row ${numeric.row + 1} is not a number: "${numeric.value}"`);
  return { scores: Float64Array.from(numeric.values), path, exact };
}

/** The competition's registered leaderboard (competitions.json's leaderboardFile). */
export function registeredLeaderboard(competitionId: string): Leaderboard {
  const entry = competitionEntry(competitionId);
  return readLeaderboard(entry.leaderboardFile, entry.leaderboardExact);
}

export interface Thresholds {
  gold_threshold: number;
  silver_threshold: number;
  bronze_threshold: number;
  median_threshold: number;
  is_lower_better: boolean;
}

/** An MLE-bench medal. */
export type Medal = 'gold' | 'silver' | 'bronze';

/** The best medal a rank earns, or null. */
export function medalOf(rank: Pick<RankInfo, 'gold_medal' | 'silver_medal' | 'bronze_medal'>): Medal | null {
  return rank.gold_medal ? 'gold' : rank.silver_medal ? 'silver' : rank.bronze_medal ? 'bronze' : null;
}

export interface RankInfo extends Thresholds {
  gold_medal: boolean;
  silver_medal: boolean;
  bronze_medal: boolean;
  any_medal: boolean;
  above_median: boolean;
}

/** MLE-bench's direction rule: lower is better iff the first score is below the last (§2.2). */
export function isLowerBetter(lb: Leaderboard): boolean {
  return lb.scores[0]! < lb.scores[lb.scores.length - 1]!;
}

/** Kaggle progression medal positions by team count N (1-based), as MLE-bench applies them (§2.2). */
export function medalPositions(n: number): { gold: number; silver: number; bronze: number } {
  // Python int() truncation of N·fraction; floating products as Python computes them.
  const t = (x: number) => Math.trunc(x);
  if (n >= 1 && n < 100)
    return {
      gold: Math.max(1, t(n * 0.1)),
      silver: Math.max(1, t(n * 0.2)),
      bronze: Math.max(1, t(n * 0.4)),
    };
  if (n >= 100 && n < 250)
    return { gold: 10, silver: Math.max(1, t(n * 0.2)), bronze: Math.max(1, t(n * 0.4)) };
  if (n >= 250 && n < 1000) return { gold: 10 + t(n * 0.002), silver: 50, bronze: 100 };
  if (n >= 1000)
    return { gold: 10 + t(n * 0.002), silver: Math.max(1, t(n * 0.05)), bronze: Math.max(1, t(n * 0.1)) };
  throw new UserError('a leaderboard needs at least one team');
}

/** Gold/silver/bronze scores at the Kaggle positions and the pandas median of all scores. */
export function thresholds(lb: Leaderboard): Thresholds {
  const pos = medalPositions(lb.scores.length);
  const at = (p: number) => {
    if (p < 1 || p > lb.scores.length)
      throw new UserError(`${lb.path}: position ${p} is outside the leaderboard (${lb.scores.length} rows)`);
    return lb.scores[p - 1]!;
  };
  return {
    gold_threshold: at(pos.gold),
    silver_threshold: at(pos.silver),
    bronze_threshold: at(pos.bronze),
    median_threshold: pandasMedian(lb.scores),
    is_lower_better: isLowerBetter(lb),
  };
}

/**
 * MLE-bench `rank_score`: inclusive medal comparisons checked gold → silver → bronze (at most one
 * medal), strict above-median; a null score gets every flag false (§2.2).
 */
export function rankOnLeaderboard(score: number | null, lb: Leaderboard): RankInfo {
  const t = thresholds(lb);
  if (score === null)
    return {
      ...t,
      gold_medal: false,
      silver_medal: false,
      bronze_medal: false,
      any_medal: false,
      above_median: false,
    };
  const low = t.is_lower_better;
  const beats = (th: number) => (low ? score <= th : score >= th);
  const gold = beats(t.gold_threshold);
  const silver = !gold && beats(t.silver_threshold);
  const bronze = !gold && !silver && beats(t.bronze_threshold);
  const above = low ? score < t.median_threshold : score > t.median_threshold;
  return {
    ...t,
    gold_medal: gold,
    silver_medal: silver,
    bronze_medal: bronze,
    any_medal: gold || silver || bronze,
    above_median: above,
  };
}

/** `math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)`, AIRA-dojo's tie rule (§2.4). */
function tied(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= Math.max(1e-9 * Math.max(Math.abs(a), Math.abs(b)), 1e-12);
}

/**
 * Percentile Rank as AIRA computes it (AIRA-dojo's definition, docs/mlebench-grading.md §Percentile rank):
 * insert the score into the leaderboard's scores (n = rows + 1), sort best-first, R = its average
 * 1-based rank among the entries equal to it, P = (n − R)/(n − 1) × 100. Missing, invalid or NaN
 * scores get 0. Leaderboard rows without a score are left out.
 */
export function percentileRank(score: number | null, lb: Leaderboard): number {
  if (score === null || Number.isNaN(score)) return 0;
  const low = isLowerBetter(lb);
  let better = 0;
  let equal = 0;
  let rows = 0;
  for (const s of lb.scores) {
    if (Number.isNaN(s)) continue;
    rows++;
    if (tied(s, score)) equal++;
    else if (low ? s < score : s > score) better++;
  }
  const n = rows + 1;
  if (n === 1) return 100;
  // The tied block holds ranks better+1 … better+equal+1; its mean is better + 1 + equal/2.
  const r = better + 1 + equal / 2;
  return ((n - r) / (n - 1)) * 100;
}
