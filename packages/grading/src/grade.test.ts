import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeReport, gradeSubmission } from './grade.js';
import { mlebenchRegistryDir } from './registry.js';
import { grade } from './test-support/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'aira-grade-'));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('gradeSubmission on files', () => {
  const answers = write('answers.csv', 'PassengerId,Transported\n1,True\n2,False\n3,True\n4,True\n');

  it('reads both files and rounds to 5 places', () => {
    // 2 of 3 right on a 3-row answer set would be 0.666666… → 0.66667; here 3 of 4 → 0.75.
    const sub = write('sub.csv', 'PassengerId,Transported\n4,True\n3,True\n2,True\n1,True\n');
    expect(gradeSubmission('spaceship-titanic', sub, answers)).toMatchObject({
      score: 0.75,
      valid: true,
      submissionExists: true,
      reason: null,
    });
  });

  it('reports a missing or non-CSV submission as not existing, like MLE-bench', () => {
    expect(gradeSubmission('spaceship-titanic', join(dir, 'missing.csv'), answers)).toMatchObject({
      score: null,
      submissionExists: false,
      reason: expect.stringMatching(/no submission file/),
    });
    const txt = write('sub.txt', 'PassengerId,Transported\n1,True\n');
    expect(gradeSubmission('spaceship-titanic', txt, answers)).toMatchObject({
      submissionExists: false,
      reason: expect.stringMatching(/must be a \.csv file/),
    });
  });

  it('an unreadable CSV is an invalid submission naming the line', () => {
    const bad = write('bad.csv', 'PassengerId,Transported\n1,True,extra\n');
    expect(gradeSubmission('spaceship-titanic', bad, answers)).toMatchObject({
      valid: false,
      submissionExists: true,
      reason: expect.stringMatching(/line 2 has 3 fields/),
    });
  });

  it('an empty file is an empty table: invalid, with the missing column named', () => {
    const empty = write('empty.csv', '');
    expect(gradeSubmission('spaceship-titanic', empty, answers).reason).toMatch(/has 0 rows, answers have 4/);
  });
});

describe('gradeReport', () => {
  it.skipIf(mlebenchRegistryDir() === null)(
    'adds thresholds, medals, percentile rank and the approximate-leaderboard flag',
    () => {
      const answers = write('vent.csv', 'id,pressure,u_out\n1,10,0\n2,20,0\n');
      // MAE 0.1 is below gold 0.1119 (lower is better) on the approximate MLE-Dojo leaderboard.
      const report = gradeReport(
        'ventilator-pressure-prediction',
        write('vsub.csv', 'id,pressure\n1,10.1\n2,20.1\n'),
        answers,
      );
      expect(report).toMatchObject({
        score: 0.1,
        gold_medal: true,
        any_medal: true,
        above_median: true,
        is_lower_better: true,
        valid_submission: true,
        approximate_leaderboard: true,
      });
      expect(report.percentile_rank).toBeGreaterThan(99);
      const invalid = gradeReport('ventilator-pressure-prediction', write('vbad.csv', 'id\n1\n2\n'), answers);
      expect(invalid).toMatchObject({
        score: null,
        valid_submission: false,
        any_medal: false,
        percentile_rank: 0,
        reason: expect.stringMatching(/"pressure"/),
      });
    },
  );
});

describe('jigsaw-unintended-bias', () => {
  it('thresholds predictions at 0.5, so only the side of 0.5 matters', () => {
    const ids = [
      'male',
      'female',
      'homosexual_gay_or_lesbian',
      'christian',
      'jewish',
      'muslim',
      'black',
      'white',
      'psychiatric_or_mental_illness',
    ];
    const rows = [
      [1, 1],
      [0, 1],
      [1, 0],
      [0, 0],
      [1, 1],
      [0, 0],
    ] as const;
    const ans = [
      `id,toxicity,${ids.join(',')}`,
      ...rows.map(([t, g], i) => `${i},${t ? 0.7 : 0.2},${ids.map(() => (g ? 1 : 0)).join(',')}`),
    ];
    // Predictions 0.51 and 0.99 both become 1: a ranking inside a class earns nothing.
    const perfect = ['id,prediction', ...rows.map(([t], i) => `${i},${t ? (i === 0 ? 0.51 : 0.99) : 0.2}`)];
    expect(grade('jigsaw-unintended-bias-in-toxicity-classification', perfect, ans).score).toBe(1);
    // Row 4 (toxic, with identity) predicted 0.4 → 0; binarised y = (1,0,1,0,1,0), prediction (1,0,1,0,0,0).
    // Overall: positives (1, 1, 0) vs negatives (0, 0, 0): 3 + 3 + 3·½ = 7.5 of 9 pairs → 0.833333.
    // Subgroup (rows 0, 1, 4): positives (1, 0) vs (0): 1 + ½ → 0.75. BPSN (rows 1, 2): 1 vs 0 → 1.
    // BNSP (rows 0, 4 vs 3, 5): (1, 0) vs (0, 0): 2 + 2·½ = 3 of 4 → 0.75. Every identity is the same, so each
    // power mean M₋₅ returns that value. Score 0.25·(0.833333 + 0.75 + 1 + 0.75) = 0.833333 → 0.83333.
    const worse = perfect.map((l, i) => (i === 5 ? '4,0.4' : l));
    expect(grade('jigsaw-unintended-bias-in-toxicity-classification', worse, ans).score).toBe(0.83333);
  });
});
