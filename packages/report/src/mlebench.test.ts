import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isMlebenchStudy, writeMlebenchReport } from './mlebench.js';
import type { PickReport, RunReport, StudyReport } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'aira-report-mlebench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Ten teams, higher is better: gold #1 (0.95), silver #2 (0.9), bronze #4 (0.8), median 0.725.
const lb = join(dir, 'leaderboard.csv');
writeFileSync(lb, `score\n${[0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5].join('\n')}\n`);

const pick = (test: number | null, predictions: string | null): PickReport => ({
  candidateId: 'c0001',
  by: 'validation',
  operator: 'draft',
  search: 0.8,
  validation: 0.8,
  test,
  percentileRank: 0,
  medal: null,
  aboveMedian: false,
  leaderboard: { kind: 'mlebench', file: lb, label: 'Kaggle leaderboard (MLE-bench)', exact: true },
  activeMs: 1,
  workerId: 'w',
  code: 'x',
  predictions,
});
const run = (runId: string, competition: string, p: PickReport | null) =>
  ({ runId, competition, seed: 0, pick: p }) as unknown as RunReport;

describe("a study's picks in MLE-bench's grading-report format", () => {
  it('ranks each run on its leaderboard, copies the predictions as .csv and lists them for mlebench grade', () => {
    mkdirSync(join(dir, 'a-s0', 'artifacts', 'ab'), { recursive: true });
    writeFileSync(join(dir, 'a-s0', 'artifacts', 'ab', 'abcd'), 'id,target\n1,0.5\n');
    const report = {
      suite: 'mlebench-30',
      generatedAt: '2026-01-01T00:00:00.000Z',
      runs: [run('a-s0', 'comp-a', pick(0.9, 'a-s0/artifacts/ab/abcd')), run('b-s0', 'comp-b', null)],
    } as unknown as StudyReport;
    expect(isMlebenchStudy(report)).toBe(true);
    const file = writeMlebenchReport(report, dir);
    const g = JSON.parse(readFileSync(file, 'utf8'));
    expect(g).toMatchObject({
      total_runs: 2,
      total_runs_with_submissions: 1,
      total_valid_submissions: 1,
      total_medals: 1,
      total_silver_medals: 1,
      total_above_median: 1,
    });
    expect(g.competition_reports[0]).toMatchObject({
      competition_id: 'comp-a',
      score: 0.9,
      gold_threshold: 0.95,
      silver_threshold: 0.9,
      bronze_threshold: 0.8,
      median_threshold: 0.725,
      silver_medal: true,
      gold_medal: false,
      any_medal: true,
      above_median: true,
      is_lower_better: false,
      submission_exists: true,
      valid_submission: true,
      submission_path: 'mlebench/submissions/a-s0.csv',
      created_at: '2026-01-01T00:00:00.000Z',
    });
    // 0.9 ties the 2nd team: ranks 2 and 3 of n = 11, average 2.5 → (11 − 2.5)/10 × 100.
    expect(g.competition_reports[0].percentile_rank).toBeCloseTo(85, 9);
    // A run without a valid pick: no submission, no medal, percentile 0.
    expect(g.competition_reports[1]).toMatchObject({
      competition_id: 'comp-b',
      score: null,
      submission_exists: false,
      valid_submission: false,
      any_medal: false,
      percentile_rank: 0,
      submission_path: '',
    });
    expect(readFileSync(join(dir, 'mlebench', 'submissions', 'a-s0.csv'), 'utf8')).toBe('id,target\n1,0.5\n');
    expect(readFileSync(join(dir, 'mlebench', 'submissions.jsonl'), 'utf8')).toBe(
      '{"competition_id":"comp-a","submission_path":"submissions/a-s0.csv"}\n',
    );
    expect(existsSync(join(dir, 'mlebench', 'submissions', 'b-s0.csv'))).toBe(false);
  });

  it('is written only for studies of MLE-bench competitions', () => {
    const mini = {
      suite: 'mini',
      runs: [
        run('m-s0', 'mini-iris', {
          ...pick(0.9, null),
          leaderboard: { kind: 'plugin', file: lb, label: 'reference leaderboard' },
        }),
      ],
    } as unknown as StudyReport;
    expect(isMlebenchStudy(mini)).toBe(false);
    expect(isMlebenchStudy({ ...mini, suite: 'benchmarks/suites/mlebench-lite.yaml' } as StudyReport)).toBe(
      true,
    );
  });
});
