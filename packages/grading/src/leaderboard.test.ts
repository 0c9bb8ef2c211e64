import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  medalPositions,
  percentileRank,
  rankOnLeaderboard,
  readLeaderboard,
  registeredLeaderboard,
  thresholds,
  type Leaderboard,
} from './leaderboard.js';
import { mlebenchRegistryDir, registryEntries } from './registry.js';

const lb = (scores: number[]): Leaderboard => ({
  scores: Float64Array.from(scores),
  path: '<test>',
  exact: true,
});
const registry = mlebenchRegistryDir();

describe('medal thresholds (Kaggle progression, docs/mlebench-grading.md §Medals)', () => {
  it('uses the team-count bands with int() truncation', () => {
    // 19 teams: ⌊1.9⌋ = 1, ⌊3.8⌋ = 3, ⌊7.6⌋ = 7.
    expect(medalPositions(19)).toEqual({ gold: 1, silver: 3, bronze: 7 });
    // 162 teams: gold is position 10, ⌊32.4⌋ = 32, ⌊64.8⌋ = 64.
    expect(medalPositions(162)).toEqual({ gold: 10, silver: 32, bronze: 64 });
    // 879 teams: 10 + ⌊1.758⌋ = 11, then 50 and 100.
    expect(medalPositions(879)).toEqual({ gold: 11, silver: 50, bronze: 100 });
    // 2929 teams: 10 + ⌊5.858⌋ = 15, ⌊146.45⌋ = 146, ⌊292.9⌋ = 292.
    expect(medalPositions(2929)).toEqual({ gold: 15, silver: 146, bronze: 292 });
    // 5 teams: every position is max(1, ⌊…⌋) = 1 or 2.
    expect(medalPositions(5)).toEqual({ gold: 1, silver: 1, bronze: 2 });
  });

  it('medals inclusively from gold down, above-median strictly, in either direction', () => {
    // Ten teams, higher is better: gold = #1 (10), silver = #2 (9), bronze = #4 (7), median = (6+5)/2 = 5.5.
    const board = lb([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(thresholds(board)).toEqual({
      gold_threshold: 10,
      silver_threshold: 9,
      bronze_threshold: 7,
      median_threshold: 5.5,
      is_lower_better: false,
    });
    const at7 = rankOnLeaderboard(7, board);
    expect([at7.gold_medal, at7.silver_medal, at7.bronze_medal, at7.any_medal, at7.above_median]).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
    const at10 = rankOnLeaderboard(10, board);
    expect([at10.gold_medal, at10.silver_medal, at10.bronze_medal]).toEqual([true, false, false]);
    expect(rankOnLeaderboard(5.5, board).above_median).toBe(false); // a tie is not above
    // Lower is better (first < last): 0.1 ≤ gold 0.1 → gold.
    const low = lb([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]);
    expect(rankOnLeaderboard(0.1, low).gold_medal).toBe(true);
    expect(rankOnLeaderboard(0.5, low).above_median).toBe(true); // median 0.55, 0.5 < 0.55
    const none = rankOnLeaderboard(null, low);
    expect([none.any_medal, none.above_median, none.gold_threshold]).toEqual([false, false, 0.1]);
  });
});

describe('percentile rank (docs/mlebench-grading.md §Percentile rank)', () => {
  it('inserts the score, averages the ranks of ties and scales to 0–100', () => {
    const board = lb([10, 8, 8, 6]);
    // Score 9: n = 5, sorted 10, 9, 8, 8, 6 → R = 2 → (5 − 2)/(5 − 1)·100 = 75.
    expect(percentileRank(9, board)).toBe(75);
    // Score 8 ties two entries: ranks 2, 3, 4 → R = 3 → (5 − 3)/4·100 = 50.
    expect(percentileRank(8, board)).toBe(50);
    // Best and worst: R = 1 → 100; below all: R = 5 → 0.
    expect(percentileRank(11, board)).toBe(100);
    expect(percentileRank(1, board)).toBe(0);
    // Tied with the top: ranks 1, 2 → R = 1.5 → (5 − 1.5)/4·100 = 87.5.
    expect(percentileRank(10, board)).toBe(87.5);
  });

  it('respects lower-is-better and gives missing or NaN scores 0', () => {
    const board = lb([0.1, 0.2, 0.2, 0.4]);
    // 0.15: sorted 0.1, 0.15, 0.2, 0.2, 0.4 → R = 2 → 75.
    expect(percentileRank(0.15, board)).toBe(75);
    // 0.2 + 1e-12 is within AIRA-dojo's tolerance of 0.2 → tied: ranks 2–4, R = 3 → 50.
    expect(percentileRank(0.2 + 1e-12, board)).toBe(50);
    expect(percentileRank(null, board)).toBe(0);
    expect(percentileRank(Number.NaN, board)).toBe(0);
  });
});

describe('leaderboard files', () => {
  it('reads the score column and names a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aira-lb-'));
    writeFileSync(
      join(dir, 'lb.csv'),
      'scoreNullable,teamId,hasTeamName,submissionDate,score,hasScore\n0.9,1,True,2020-01-01,0.9,True\n0.8,2,True,2020-01-01,0.8,True\n',
    );
    expect(Array.from(readLeaderboard(join(dir, 'lb.csv')).scores)).toEqual([0.9, 0.8]);
    writeFileSync(join(dir, 'bad.csv'), 'rank,points\n1,2\n');
    expect(() => readLeaderboard(join(dir, 'bad.csv'))).toThrow(/needs a "score" column/);
  });

  it.skipIf(registry === null)(
    'reproduces competitions.json thresholds for all 81 exact leaderboards',
    () => {
      const entries = registryEntries(registry!).filter((e) => e.leaderboardExact);
      expect(entries).toHaveLength(81);
      for (const e of entries) {
        const board = registeredLeaderboard(e.id);
        const t = thresholds(board);
        expect({ id: e.id, teams: board.scores.length }).toEqual({ id: e.id, teams: e.teams });
        expect({
          id: e.id,
          gold: t.gold_threshold,
          silver: t.silver_threshold,
          bronze: t.bronze_threshold,
          median: t.median_threshold,
        }).toEqual({ id: e.id, ...e.medalThresholds! });
        expect({ id: e.id, lowerIsBetter: t.is_lower_better }).toEqual({
          id: e.id,
          lowerIsBetter: e.higherIsBetter === false,
        });
      }
    },
  );

  it.skipIf(registry === null)('marks ventilator-pressure-prediction as approximate', () => {
    const board = registeredLeaderboard('ventilator-pressure-prediction');
    expect(board.exact).toBe(false);
    expect(board.scores.length).toBe(2605);
    // MLE-Dojo copy: gold #15 = 0.1119, median 0.1638 (competitions.json).
    expect(thresholds(board).gold_threshold).toBe(0.1119);
  });
});
