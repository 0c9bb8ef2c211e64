import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScoreLine, rngFor } from '@aira/coordinator';
import {
  breastCancer,
  diabetes,
  digits,
  fortunes,
  wine,
  writePublic,
  type Dataset,
  type PublicFolder,
} from '../test-support/datasets.js';
import { accuracy, logLoss, readPredictions, rmse, rocAuc } from '../test-support/metrics.js';
import { probeFolder } from '../test-support/probe.js';
import { runByHand, sessionDir } from '../test-support/session-dir.js';
import { failureText } from './agent.js';
import { complete } from './choices.js';
import { planLayout, type DataLayout } from './layout.js';
import { parseHeader, renderScript } from './render.js';
import { spaceFor, type Choices } from './space.js';

/**
 * Generated scripts run by Debian's Python on small real data sets, by hand in a session-like
 * folder (no AIRA_* variables): each writes every split's predictions, which are graded here
 * against the hidden answers and must beat the trivial prediction, and prints its own score.
 */

const root = mkdtempSync(join(tmpdir(), 'aira-scripts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Case {
  ds: Dataset;
  grade: (answers: Map<string, string>, predicted: Map<string, number[]>) => number;
  /** The trivial prediction's score on test (constant, mean or uniform). */
  trivial: (pub: PublicFolder) => number;
  /** A second model besides the baseline, with its settings. */
  other: Choices;
  /** What the second model's script must say (its feature steps and settings, written out). */
  says?: RegExp[];
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

const cases: Case[] = [
  {
    ds: breastCancer(),
    grade: rocAuc,
    trivial: () => 0.5,
    other: { model: 'random_forest', 'random_forest.n_estimators': 100, refit: false },
  },
  {
    ds: diabetes(),
    grade: rmse,
    trivial: (pub) => {
      const y = [...pub.answers.test.values()].map(Number);
      return Math.sqrt(mean(y.map((v) => (v - mean(y)) ** 2)));
    },
    other: {
      model: 'hist_gb',
      target: 'log1p',
      'hist_gb.loss': 'squared_error',
      'hist_gb.max_iter': 100,
      'hist_gb.early_stopping': true,
      pca: 0.99,
    },
    says: [
      /early_stopping=True, validation_fraction=0\.1, n_iter_no_change=10/,
      /PCA\(n_components=0\.99, svd_solver="full"/,
    ],
  },
  {
    ds: wine(),
    grade: (a, p) => logLoss(a, p, ['class_0', 'class_1', 'class_2']),
    trivial: () => Math.log(3),
    other: { model: 'knn', 'knn.metric': 'minkowski', 'knn.n_neighbors': 10, scale: 'standard', pca: 0.9 },
    says: [/PCA\(n_components=0\.9, /],
  },
  {
    ds: digits(600),
    grade: accuracy,
    trivial: () => 0.1,
    other: { model: 'mlp', 'mlp.hidden': '64', 'mlp.max_iter': 40, 'mlp.early_stopping': true, pca: null },
    says: [/MLPClassifier\(.*early_stopping=True/],
  },
  {
    ds: fortunes(150),
    grade: (a, p) => logLoss(a, p, ['computers', 'politics', 'science']),
    trivial: () => Math.log(3),
    other: { model: 'naive_bayes', 'naive_bayes.alpha': 1, 'naive_bayes.kind': 'multinomial' },
  },
];

function prepare(c: Case): { pub: PublicFolder; layout: DataLayout; dir: ReturnType<typeof sessionDir> } {
  const dir = sessionDir(join(root, c.ds.name));
  const pub = writePublic(c.ds, dir.data);
  const layout = planLayout(
    probeFolder(dir.data),
    { direction: c.ds.direction, description: pub.description },
    c.ds.facts,
  );
  return { pub, layout, dir };
}

describe('generated scripts on real data', () => {
  for (const c of cases) {
    it(`${c.ds.name}: the baseline and a ${String(c.other.model)} write valid predictions for every split and score themselves`, async () => {
      const { pub, layout, dir } = prepare(c);
      const space = spaceFor(layout.modality, layout.task);
      for (const choices of [space.baseline, complete(space, { ...space.baseline, ...c.other }, rngFor(1))]) {
        const code = renderScript({
          template: space.template,
          choices,
          layout,
          origin: [`test ${c.ds.name}`],
        });
        expect(parseHeader(code)).toEqual({ v: 1, template: space.template, choices, layout });
        if (choices !== space.baseline) for (const re of c.says ?? []) expect(code).toMatch(re);
        const run = await runByHand(dir, code, ['search.csv', 'validation.csv', 'test.csv']);
        expect(run.code, run.output).toBe(0);
        const self = parseScoreLine(run.output);
        expect(self, run.output).not.toBeNull();
        expect(Number.isFinite(self)).toBe(true);
        for (const split of ['search', 'validation', 'test'] as const) {
          const file = readPredictions(run.files[`${split}.csv`] ?? '');
          expect(file.columns).toEqual(['id', ...c.ds.predictionColumns]);
          const score = c.grade(pub.answers[split], file.rows);
          if (split === 'test') {
            const better = c.ds.direction === 'maximize' ? score > c.trivial(pub) : score < c.trivial(pub);
            expect(
              better,
              `${c.ds.name} ${String(choices.model)} test ${score} vs trivial ${c.trivial(pub)}`,
            ).toBe(true);
          }
        }
      }
    }, 180_000);
  }

  it('a bad choice (l1 penalty with the lbfgs solver) crashes with a traceback that names it', async () => {
    const { layout, dir } = prepare(cases[0]!);
    const space = spaceFor(layout.modality, layout.task);
    const choices = { ...space.baseline, 'logreg.penalty': 'l1', 'logreg.solver': 'lbfgs' };
    const run = await runByHand(
      dir,
      renderScript({ template: space.template, choices, layout, origin: [] }),
      [],
    );
    expect(run.code).toBe(1);
    expect(parseScoreLine(run.output)).toBeNull();
    const failure = failureText({ output: run.output, exitCode: run.code!, reason: '' });
    expect(failure).toMatch(/^solution\.py exited with code 1\nTraceback \(most recent call last\):/);
    expect(failure).toMatch(
      /ValueError: Solver lbfgs supports only 'l2' or 'none' penalties, got l1 penalty/,
    );
  });
});
