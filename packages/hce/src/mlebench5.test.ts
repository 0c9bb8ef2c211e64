import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from './csv/read.js';
import { prepareHce } from './prepare.js';
import { FIVE, fixtureCompetition, tempDir, writeFile } from './test-support/fixtures.js';
import { perfectSubmission } from './test-support/perfect.js';

const data = tempDir('five-data');
const cache = tempDir('five-cache');
const scratch = tempDir('five-sub');

/** The best score each metric can give (docs/mlebench-grading.md: kappa, AUC ↑; RMSE, RMSLE, log loss ↓). */
const BEST: Record<string, number> = {
  'aptos2019-blindness-detection': 1,
  'mlsp-2013-birds': 1,
  'new-york-city-taxi-fare-prediction': 0,
  'nomad2018-predict-transparent-conductors': 0,
  'spooky-author-identification': 0,
};

const ids = async (file: string, col: string) => {
  const t = await readCsvRecords(file);
  const i = t.header.cells.indexOf(col);
  return t.rows.map((r) => r.cells[i]!);
};

describe.each(FIVE)('%s: HCE split on a synthetic fixture in its prepared layout', (id) => {
  it('splits 80/10/10 into public and hidden folders, and its grader accepts perfect submissions built from the hidden answers', async () => {
    const c = await fixtureCompetition(id, data, 240);
    const s = await prepareHce(c, { cacheDir: cache, splitSeed: 0 });
    const m = s.manifest;

    // Proportions (in units: rows, or recordings for mlsp).
    const total = m.counts.train!.units + m.counts.search!.units + m.counts.validation!.units;
    expect(total).toBeGreaterThan(150);
    expect(m.counts.search!.units).toBe(Math.round(total * 0.1));
    expect(m.counts.validation!.units).toBe(Math.round(total * 0.1));

    // Hidden answers stay outside the public folder; public has the description and one sample per part.
    expect(existsSync(join(s.publicDir, 'hidden'))).toBe(false);
    expect(s.answers.search.startsWith(s.hiddenDir)).toBe(true);
    const description = readFileSync(join(s.publicDir, 'description.md'), 'utf8');
    for (const f of [
      'submission/search.csv',
      'submission/validation.csv',
      'submission/test.csv',
      m.samples.search,
      m.samples.validation,
      m.samples.test,
    ])
      expect(description).toContain(f);

    // Answer files keep the competition's own answer columns (graders assert on them).
    const ownAnswers = (await readCsvRecords(c.paths.answers)).header.cells;
    const ownSample = (await readCsvRecords(c.paths.sampleSubmission)).header.cells;
    for (const part of ['search', 'validation'] as const) {
      expect((await readCsvRecords(s.answers[part])).header.cells).toEqual(ownAnswers);
      const sample = await readCsvRecords(join(s.publicDir, m.samples[part]));
      expect(sample.header.cells).toEqual(ownSample);
      expect(sample.rows.length).toBe((await readCsvRecords(s.answers[part])).rows.length);
    }

    // Each grader accepts a perfect submission for search, validation and test, and scores it best.
    for (const part of ['search', 'validation', 'test'] as const) {
      const sub = writeFile(
        join(scratch, id, `${part}.csv`),
        await perfectSubmission(join(s.publicDir, m.samples[part]), s.answers[part]),
      );
      const g = await c.grade(sub, s.answers[part]);
      expect(g, `${id} ${part}: ${g.error}`).toMatchObject({ valid: true });
      expect(g.score).toBeCloseTo(BEST[id]!, 4);
      // The dummy sample submission is valid too, and worse.
      const dummy = await c.grade(join(s.publicDir, m.samples[part]), s.answers[part]);
      if (dummy.valid) expect(dummy.score).not.toBeCloseTo(BEST[id]!, 4);
    }
  });
});

describe('what the public folders hold', () => {
  it('aptos, taxi and spooky: hidden rows are out of the labelled file, their inputs carry no label column', async () => {
    for (const [id, file, idCol, label] of [
      ['aptos2019-blindness-detection', 'train.csv', 'id_code', 'diagnosis'],
      ['new-york-city-taxi-fare-prediction', 'labels.csv', 'key', 'fare_amount'],
      ['spooky-author-identification', 'train.csv', 'id', 'author'],
    ] as const) {
      const c = await fixtureCompetition(id, data, 240);
      const s = await prepareHce(c, { cacheDir: cache, splitSeed: 0 });
      const train = new Set(await ids(join(s.publicDir, file), idCol));
      const all = await ids(join(c.paths.public, file), idCol);
      expect(train.size).toBe(s.manifest.counts.train!.rows);
      for (const part of ['search', 'validation'] as const) {
        const hidden = await ids(s.answers[part], idCol);
        expect(hidden.filter((h) => train.has(h))).toEqual([]);
        expect(new Set([...train, ...hidden]).size).toBeLessThanOrEqual(all.length);
        const input = await readCsvRecords(join(s.publicDir, s.manifest.inputs[part][0]!));
        expect(input.header.cells).toEqual(
          (await readCsvRecords(join(c.paths.public, 'test.csv'))).header.cells,
        );
        expect(input.header.cells).not.toContain(label);
        expect(input.rows.map((r) => r.cells[0])).toEqual(hidden);
      }
    }
  });

  it('aptos keeps every image (hidden rows are predicted from train_images/) and the test inputs', async () => {
    const c = await fixtureCompetition('aptos2019-blindness-detection', data, 240);
    const s = await prepareHce(c, { cacheDir: cache, splitSeed: 0 });
    expect(readdirSync(join(s.publicDir, 'train_images')).length).toBe(240);
    expect(readFileSync(join(s.publicDir, 'test.csv'))).toEqual(
      readFileSync(join(c.paths.public, 'test.csv')),
    );
    expect(s.manifest.inputs.test).toEqual(['test.csv']);
  });

  it('mlsp: hidden recordings are masked with "?" and fold 1, like the test recordings', async () => {
    const c = await fixtureCompetition('mlsp-2013-birds', data, 240);
    const s = await prepareHce(c, { cacheDir: cache, splitSeed: 0 });
    const labels = readFileSync(join(s.publicDir, 'essential_data/rec_labels_test_hidden.txt'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    const folds = new Map(
      readFileSync(join(s.publicDir, 'essential_data/CVfolds_2.txt'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',') as [string, string]),
    );
    for (const part of ['search', 'validation'] as const) {
      const recs = new Set(
        (await ids(s.answers[part], 'Id')).map((x) => String(Math.floor(Number(x) / 100))),
      );
      expect(recs.size).toBe(s.manifest.counts[part]!.units);
      for (const rec of recs) {
        expect(labels).toContain(`${rec},?`);
        expect(folds.get(rec)).toBe('1');
      }
    }
    const masked = labels.filter((l) => l.endsWith(',?')).length;
    const original = readFileSync(join(c.paths.public, 'essential_data/rec_labels_test_hidden.txt'), 'utf8')
      .split('\n')
      .filter((l) => l.endsWith(',?')).length;
    expect(masked).toBe(original + s.manifest.counts.search!.units + s.manifest.counts.validation!.units);
    expect(existsSync(join(s.publicDir, 'essential_data/src_wavs'))).toBe(true);
  });

  it('nomad2018: ids are renumbered 1..n per part with geometry folders to match, rows in answer order', async () => {
    const c = await fixtureCompetition('nomad2018-predict-transparent-conductors', data, 240);
    const s = await prepareHce(c, { cacheDir: cache, splitSeed: 0 });
    const train = await ids(join(s.publicDir, 'train.csv'), 'id');
    expect(train).toEqual(train.map((_, i) => String(i + 1)));
    expect(readdirSync(join(s.publicDir, 'train')).length).toBe(train.length);
    for (const part of ['search', 'validation'] as const) {
      const a = await readCsvRecords(s.answers[part]);
      const input = await readCsvRecords(join(s.publicDir, `${part}.csv`));
      expect(a.rows.map((r) => r.cells[0])).toEqual(a.rows.map((_, i) => String(i + 1)));
      expect(input.rows.map((r) => r.cells.slice(0, 12))).toEqual(a.rows.map((r) => r.cells.slice(0, 12)));
      expect(readdirSync(join(s.publicDir, part)).length).toBe(a.rows.length);
      // The geometry moved with its row: its lattice vector line matches the row's.
      const first = readFileSync(join(s.publicDir, part, '1', 'geometry.xyz'), 'utf8');
      expect(first).toContain(`lattice_vector ${a.rows[0]!.cells[5]}`);
    }
  });
});
