import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLowerBetter, percentileRank, readLeaderboard, thresholds } from '@aira/grading';
import { describe, expect, it } from 'vitest';
import { miniBaseline } from './baseline.js';
import { MINI_GRADERS } from './graders.js';
import { competitionDir, MINI_IDS } from './paths.js';

const MLEBENCH_COLUMNS = 'scoreNullable,teamId,hasTeamName,submissionDate,score,hasScore';

function rows(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));
}

describe.each(MINI_IDS)('%s reference leaderboard', (id) => {
  const dir = competitionDir(id);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    direction: string;
    description: string;
    leaderboard: { path: string };
  };
  const file = join(dir, manifest.leaderboard.path);
  const lower = manifest.direction === 'lower-is-better';

  it("is in MLE-bench's format with at least 50 reference models", () => {
    const [header, ...body] = rows(file);
    expect(header!.join(',')).toBe(MLEBENCH_COLUMNS);
    expect(body.length).toBeGreaterThanOrEqual(50);
    for (const r of body) {
      expect(r).toHaveLength(6);
      expect(r[0]).toBe(r[4]); // scoreNullable mirrors score
      expect(r[5]).toBe('True');
      expect(Number.isFinite(Number(r[4]))).toBe(true);
    }
    expect(new Set(body.map((r) => r[1])).size).toBe(body.length);
  });

  it("is sorted best first, so MLE-bench's direction rule agrees with the manifest and the grader", () => {
    const lb = readLeaderboard(file);
    for (let i = 1; i < lb.scores.length; i++) {
      if (lower) expect(lb.scores[i]!).toBeGreaterThanOrEqual(lb.scores[i - 1]!);
      else expect(lb.scores[i]!).toBeLessThanOrEqual(lb.scores[i - 1]!);
    }
    expect(isLowerBetter(lb)).toBe(lower);
    expect(MINI_GRADERS[id].lowerIsBetter).toBe(lower);
    const t = thresholds(lb);
    expect(lower ? t.gold_threshold <= t.median_threshold : t.gold_threshold >= t.median_threshold).toBe(
      true,
    );
  });

  it('names every row in reference-models.csv with the same score', () => {
    const lb = new Map(
      rows(file)
        .slice(1)
        .map((r) => [r[1]!, Number(r[4])]),
    );
    const models = readFileSync(join(dir, 'reference-models.csv'), 'utf8').trimEnd().split('\n').slice(1);
    expect(models).toHaveLength(lb.size);
    for (const line of models) {
      const m = /^(\d+),"([^"]+)",(.+)$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(lb.get(m![1]!)).toBe(Number(m![3]));
    }
  });

  it('has the trivial baseline among its rows, near the bottom', () => {
    const base = miniBaseline(id);
    expect(base.competition).toBe(id);
    expect(base.lowerIsBetter).toBe(lower);
    const lb = readLeaderboard(file);
    expect(Array.from(lb.scores)).toContain(base.score);
    // Its percentile rank against the other reference models: at most the bottom quarter.
    expect(percentileRank(base.score, lb)).toBeLessThanOrEqual(25);
    // The best reference model, inserted again, ties the k top rows (a crowded top can tie):
    // the tied block's mean rank is 1 + k/2, so (n − 1 − k/2)/(n − 1) × 100.
    const n = lb.scores.length + 1;
    const k = Array.from(lb.scores).filter((v) => v === lb.scores[0]).length;
    expect(percentileRank(lb.scores[0]!, lb)).toBeCloseTo(((n - 1 - k / 2) / (n - 1)) * 100, 9);
  });

  it('is labelled a reference leaderboard, never Kaggle', () => {
    expect(manifest.description).toContain('reference leaderboard');
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).not.toMatch(/kaggle/i);
  });
});
