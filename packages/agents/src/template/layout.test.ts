import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { breastCancer, diabetes, digits, fortunes, wine, writePublic } from '../test-support/datasets.js';
import { probeFolder } from '../test-support/probe.js';
import { LayoutError, metricFromText, outputsFromDescription, planLayout } from './layout.js';

const root = mkdtempSync(join(tmpdir(), 'aira-layout-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const HCE_SPLITS = [
  { split: 'search', input: 'search.csv', output: 'search.csv' },
  { split: 'validation', input: 'validation.csv', output: 'validation.csv' },
  { split: 'test', input: 'test.csv', output: 'test.csv' },
];

describe('the layout of an HCE public folder', () => {
  it('binary classification scored by ROC AUC: the probability of the positive class per split', () => {
    const ds = breastCancer();
    const pub = writePublic(ds, join(root, 'bc'));
    const layout = planLayout(
      probeFolder(pub.dir),
      { direction: 'maximize', description: pub.description },
      ds.facts,
    );
    expect(layout).toEqual({
      modality: 'tabular',
      task: 'classification',
      metric: 'roc_auc',
      train: 'train.csv',
      ids: ['id'],
      label: 'malignant',
      prediction: { kind: 'probability', columns: ['malignant'] },
      splits: HCE_SPLITS,
    });
  });

  it('multi-class log loss: one probability column per class, named by the sample submission', () => {
    const ds = wine();
    const pub = writePublic(ds, join(root, 'wine'));
    const layout = planLayout(
      probeFolder(pub.dir),
      { direction: 'minimize', description: pub.description },
      ds.facts,
    );
    expect(layout.prediction).toEqual({
      kind: 'class-probabilities',
      columns: ['class_0', 'class_1', 'class_2'],
    });
    expect(layout.metric).toBe('log_loss');
  });

  it('regression, text and image arrays from their manifests', () => {
    for (const [ds, modality, task, kind] of [
      [diabetes(), 'tabular', 'regression', 'value'],
      [fortunes(20), 'text', 'classification', 'class-probabilities'],
      [digits(100), 'image', 'classification', 'label'],
    ] as const) {
      const pub = writePublic(ds, join(root, ds.name));
      const layout = planLayout(
        probeFolder(pub.dir),
        { direction: ds.direction, description: pub.description },
        ds.facts,
      );
      expect([layout.modality, layout.task, layout.prediction.kind]).toEqual([modality, task, kind]);
      expect(layout.splits).toEqual(HCE_SPLITS);
    }
  });

  it("reads the prediction files from HCE's own instructions", () => {
    const hce = [
      '| search | `search.csv` | `sample_submission_search.csv` | `submission/search.csv` |',
      '| validation | `validation.csv` | `sample_submission_validation.csv` | `submission/validation.csv` |',
      '| test | `test.csv` | `sample_submission.csv` | `submission/test.csv` |',
    ].join('\n');
    expect(outputsFromDescription(hce)).toEqual(['search.csv', 'validation.csv', 'test.csv']);
    expect(outputsFromDescription('Write your test predictions to `submission/test.csv`')).toEqual([
      'test.csv',
    ]);
    expect(outputsFromDescription(undefined)).toEqual([]);
  });
});

describe('without HCE or a manifest', () => {
  it('with --hce off only the test predictions are asked for', () => {
    const ds = breastCancer();
    const pub = writePublic(ds, join(root, 'bc-off'));
    const layout = planLayout(
      probeFolder(pub.dir),
      { direction: 'maximize', description: 'Write your test predictions to `submission/test.csv`.' },
      ds.facts,
    );
    expect(layout.splits).toEqual([{ split: 'test', input: 'test.csv', output: 'test.csv' }]);
  });

  it('infers the labelled table, label, ids and task from the files alone', () => {
    const pub = writePublic(breastCancer(), join(root, 'bc-bare'));
    const layout = planLayout(probeFolder(pub.dir), {
      direction: 'maximize',
      description: `${pub.description}\nScored by ROC AUC.`,
    });
    expect(layout).toMatchObject({
      modality: 'tabular',
      task: 'classification',
      metric: 'roc_auc',
      train: 'train.csv',
      ids: ['id'],
      label: 'malignant',
      prediction: { kind: 'probability' },
    });
    const text = writePublic(fortunes(20), join(root, 'fortunes-bare'));
    expect(
      planLayout(probeFolder(text.dir), { direction: 'minimize', description: text.description }),
    ).toMatchObject({ modality: 'text', metric: 'log_loss' });
    const reg = writePublic(diabetes(), join(root, 'diabetes-bare'));
    expect(planLayout(probeFolder(reg.dir), { direction: 'minimize' })).toMatchObject({
      task: 'regression',
      metric: 'rmse',
      splits: [
        { split: 'search', input: 'search.csv', output: 'search.csv' },
        { split: 'test', input: 'test.csv', output: 'test.csv' },
        { split: 'validation', input: 'validation.csv', output: 'validation.csv' },
      ],
    });
  });

  it('names metrics the way competitions write them', () => {
    expect(metricFromText('ROC AUC')).toBe('roc_auc');
    expect(metricFromText('multi-class log loss')).toBe('log_loss');
    expect(metricFromText('Root Mean Squared Logarithmic Error')).toBe('rmsle');
    expect(metricFromText('RMSE')).toBe('rmse');
    expect(metricFromText('quadratic weighted kappa')).toBe('qwk');
    expect(metricFromText('something new')).toBeNull();
  });
});

describe('layouts the templates cannot handle fail with a reason', () => {
  it('an empty data folder, a missing split input, an unsupported modality', () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(() => planLayout(probeFolder(empty), { direction: 'maximize' })).toThrow(
      /empty: the run needs a competition or a data folder/,
    );

    const ds = breastCancer();
    const pub = writePublic(ds, join(root, 'bc-missing'));
    expect(() =>
      planLayout(
        probeFolder(pub.dir),
        { direction: 'maximize', description: 'write submission/holdout.csv' },
        ds.facts,
      ),
    ).toThrow(/asks for submission\/holdout.csv but no input table for "holdout"/);
    expect(() =>
      planLayout(probeFolder(pub.dir), { direction: 'maximize' }, { ...ds.facts, modality: ['audio'] }),
    ).toThrow(LayoutError);
    expect(() =>
      planLayout(probeFolder(pub.dir), { direction: 'maximize' }, { ...ds.facts, task: 'object-detection' }),
    ).toThrow(/object-detection/);
    writeFileSync(join(empty, 'notes.txt'), 'x');
    expect(() => planLayout(probeFolder(empty), { direction: 'maximize' })).toThrow(
      /holds no CSV table \(found: notes.txt\)/,
    );
  });
});
