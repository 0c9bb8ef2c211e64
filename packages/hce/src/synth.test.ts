import { join } from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { synthIds } from '@aira/synth';
import { readCsvRecords } from './csv/read.js';
import { prepareHce } from './prepare.js';
import { RECIPES } from './recipes/index.js';
import { competitions, fixtureCompetition, tempDir } from './test-support/fixtures.js';
import { perfectSubmission } from './test-support/perfect.js';

const data = tempDir('synth-data');
const cache = tempDir('synth-cache');

/**
 * Where a perfect submission is not the answers' own values under the sample's columns: hms
 * (answers are vote counts, predictions probabilities), champs (a perfect score is −∞),
 * kuzushiji (answers are boxes, predictions centre points), jigsaw-toxic (test answers mark
 * unscored rows with −1), detecting-insults (the sample's first column is the label, not the id:
 * its own test below grades the answers themselves).
 */
const NO_PERFECT = new Set([
  'hms-harmful-brain-activity-classification',
  'champs-scalar-coupling',
  'kuzushiji-recognition',
  'jigsaw-toxic-comment-classification-challenge',
  'detecting-insults-in-social-commentary',
]);

/**
 * Recipes whose answers are not one row per sample row under the sample's columns (h-and-m's
 * lists, hubmap's and uw-madison's masks, jigsaw-unintended's identity columns, osic's best being a
 * log-likelihood, smartphone's positions by time, tensorflow2's JSON records): each recipe's own
 * test (recipes/<id>.test.ts) grades a perfect submission built from its answer form.
 */
const PERFECT_IN_RECIPE_TEST = new Set([
  'h-and-m-personalized-fashion-recommendations',
  'hubmap-kidney-segmentation',
  'jigsaw-unintended-bias-in-toxicity-classification',
  'osic-pulmonary-fibrosis-progression',
  'smartphone-decimeter-2022',
  'tensorflow2-question-answering',
  'uw-madison-gi-tract-image-segmentation',
]);
const perfectHere = (id: string) => !NO_PERFECT.has(id) && !PERFECT_IN_RECIPE_TEST.has(id);

/** Writers whose competitions HCE splits (a built-in split or an HCE recipe). */
async function splittable(): Promise<string[]> {
  const reg = await competitions();
  return synthIds().filter(
    (id) => reg.create(id, { dataDir: data }).manifest.split.method === 'builtin' || RECIPES.has(id),
  );
}

describe('@aira/synth data in MLE-bench layouts, split by HCE', async () => {
  const ids = await splittable();
  it.each(ids)(
    "%s: splits, and its grader accepts each part's sample submission",
    async (id) => {
      const c = await fixtureCompetition(id, data, 200, 3);
      const s = await prepareHce(c, { cacheDir: cache, splitSeed: 0 });
      expect(s.manifest.counts.search!.units).toBeGreaterThan(0);
      for (const part of ['search', 'validation', 'test'] as const) {
        const g = await c.grade(join(s.publicDir, s.manifest.samples[part]), s.answers[part]);
        expect(g.error ?? null, `${id} ${part}`).toBeNull();
        expect(g.valid).toBe(true);
        if (!perfectHere(id)) continue;
        // The answers are what the grader reads: the sample's rows filled from them score the best value.
        const perfect = join(s.dir, '..', `perfect-${part}.csv`);
        writeFileSync(
          perfect,
          await perfectSubmission(join(s.publicDir, s.manifest.samples[part]), s.answers[part]),
        );
        const p = await c.grade(perfect, s.answers[part]);
        expect(p.error ?? null, `${id} ${part} perfect`).toBeNull();
        expect(p.score, `${id} ${part} perfect`).toBeCloseTo(
          c.manifest.direction === 'higher-is-better' ? 1 : 0,
          5,
        );
      }
    },
    120_000,
  );

  /** The one entry of a zip in the HCE public folder, as text. */
  const unzipped = (file: string) =>
    Object.entries(unzipSync(readFileSync(file))).map(
      ([name, bytes]) => [name, new TextDecoder().decode(bytes)] as const,
    );
  const column = async (file: string, col: string) => {
    const { header, rows } = await readCsvRecords(file);
    const k = header.cells.indexOf(col);
    expect(k, `${file} has ${col}`).toBeGreaterThanOrEqual(0);
    return rows.map((r) => r.cells[k]!);
  };

  it("detecting-insults: hidden answers leave out MLE-bench's Usage column, which its grader does not read", async () => {
    const c = await fixtureCompetition('detecting-insults-in-social-commentary', data, 60, 5);
    const s = await prepareHce(c, { cacheDir: cache, splitSeed: 0 });
    for (const part of ['search', 'validation'] as const)
      expect((await readCsvRecords(s.answers[part])).header.cells).toEqual(['Insult', 'Date', 'Comment']);
    // The test answers stay MLE-bench's own (Usage included).
    expect((await readCsvRecords(s.answers.test)).header.cells).toContain('Usage');
    // The answers are a submission of the true labels: graded against themselves, the best AUC.
    for (const part of ['search', 'validation', 'test'] as const)
      expect((await c.grade(s.answers[part], s.answers[part])).score, part).toBe(1);
  }, 60_000);

  it('invasive-species: the zipped labelled table is split, its train part zipped again without a hidden row', async () => {
    const c = await fixtureCompetition('invasive-species-monitoring', data, 60, 5);
    const s = await prepareHce(c, { cacheDir: cache, splitSeed: 0 });
    const [[entry, text]] = unzipped(join(s.publicDir, 'train_labels.csv.zip')) as [[string, string]];
    expect(entry).toBe('train_labels.csv');
    const train = text.trim().split('\n');
    expect(train[0]).toBe('name,invasive');
    const names = new Set(train.slice(1).map((l) => l.split(',')[0]));
    const hidden = [
      ...(await column(s.answers.search, 'name')),
      ...(await column(s.answers.validation, 'name')),
    ];
    expect(hidden.length).toBeGreaterThan(0);
    expect(hidden.filter((n) => names.has(n))).toEqual([]);
    expect(names.size + hidden.length).toBe(60);
  }, 60_000);

  it("movie-review: the zipped TSV is split; train and each hidden part's inputs stay zipped TSVs, inputs without Sentiment", async () => {
    const c = await fixtureCompetition('movie-review-sentiment-analysis-kernels-only', data, 60, 5);
    const s = await prepareHce(c, { cacheDir: cache, splitSeed: 0 });
    const [[entry, text]] = unzipped(join(s.publicDir, 'train.tsv.zip')) as [[string, string]];
    expect(entry).toBe('train.tsv');
    const train = text
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(train[0]).toEqual(['PhraseId', 'SentenceId', 'Phrase', 'Sentiment']);
    expect(train.every((r) => r.length === 4)).toBe(true);
    const trainIds = new Set(train.slice(1).map((r) => r[0]));
    for (const part of ['search', 'validation'] as const) {
      const ids = await column(s.answers[part], 'PhraseId');
      expect(ids.filter((id) => trainIds.has(id))).toEqual([]);
      expect(existsSync(join(s.publicDir, `${part}.tsv.zip`))).toBe(true);
      const [[inEntry, inText]] = unzipped(join(s.publicDir, `${part}.tsv.zip`)) as [[string, string]];
      expect(inEntry).toBe(`${part}.tsv`);
      const rows = inText
        .trim()
        .split('\n')
        .map((l) => l.split('\t'));
      expect(rows[0]).toEqual(['PhraseId', 'SentenceId', 'Phrase']);
      expect(rows.slice(1).map((r) => r[0])).toEqual(ids);
    }
  }, 60_000);
});
