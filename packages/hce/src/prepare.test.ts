import { cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunConfig } from '@aira/coordinator';
import { readCsvRecords } from './csv/read.js';
import { hceEvaluator } from './evaluator.js';
import { hceCacheDir, hceSplitSeed } from './cache.js';
import { prepareHce, prepareOpen } from './prepare.js';
import { listFiles } from './split/files.js';
import { competitions, fixtureCompetition, tempDir } from './test-support/fixtures.js';
import { toyCompetition } from './test-support/toy.js';

/** Every file of a folder with its SHA-256. */
const tree = (dir: string) =>
  Object.fromEntries(
    listFiles(dir).map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(join(dir, f)))
        .digest('hex'),
    ]),
  );

describe('the split cache', () => {
  it('finds a split again by content hash, and identical input gives identical output wherever it lives', async () => {
    const root = tempDir('cache');
    const c = await fixtureCompetition('spooky-author-identification', join(root, 'data'), 300);
    const first = await prepareHce(c, { cacheDir: join(root, 'cache'), splitSeed: 0 });
    const again = await prepareHce(c, { cacheDir: join(root, 'cache'), splitSeed: 0 });
    expect(first.cached).toBe(false);
    expect(again).toMatchObject({ cached: true, key: first.key, dir: first.dir });

    // The same bytes in another data folder and another cache: same key, byte-identical folders.
    cpSync(join(root, 'data'), join(root, 'copy'), { recursive: true });
    const copy = (await competitions()).create(c.id, { dataDir: join(root, 'copy') });
    const other = await prepareHce(copy, { cacheDir: join(root, 'cache2'), splitSeed: 0 });
    expect(other).toMatchObject({ cached: false, key: first.key });
    expect(tree(other.publicDir)).toEqual(tree(first.publicDir));
    expect(tree(other.hiddenDir)).toEqual(tree(first.hiddenDir));
    expect(other.manifest.written).toEqual(first.manifest.written);

    // One changed label: a new key and a new split folder.
    const train = join(root, 'copy', c.id, 'prepared/public/train.csv');
    const text = readFileSync(train, 'utf8');
    writeFileSync(train, text.replace(/,EAP\n/, ',HPL\n'));
    const changed = await prepareHce(copy, { cacheDir: join(root, 'cache2'), splitSeed: 0 });
    expect(changed.key).not.toBe(first.key);

    // Another split seed: another split of the same data.
    const seeded = await prepareHce(c, { cacheDir: join(root, 'cache'), splitSeed: 1 });
    expect(seeded.key).not.toBe(first.key);
    expect(readFileSync(seeded.answers.search)).not.toEqual(readFileSync(first.answers.search));
  });

  it('uses the same split for every run seed (the split seed is separate and fixed)', async () => {
    const root = tempDir('seeds');
    const c = await fixtureCompetition('aptos2019-blindness-detection', join(root, 'data'), 200);
    const keys = new Set<string>();
    for (const seed of [0, 1, 2]) {
      const config = RunConfig.parse({ competitions: [c.id], seeds: [seed], agent: { script: 'x.py' } });
      const ev = hceEvaluator({ resolve: () => c, cacheDir: join(root, 'cache') })(config);
      const task = await ev.prepare({
        runId: `r${seed}`,
        competition: c.id,
        config,
        runDir: join(root, `run${seed}`),
      });
      keys.add(task.dataPath!);
      expect(task).toMatchObject({ competition: c.id, direction: 'maximize' });
      expect(task.description).toContain('submission/search.csv');
    }
    expect(keys.size).toBe(1);
  });

  it('takes the cache folder and split seed from the environment, refusing a bad seed', () => {
    expect(hceCacheDir(undefined, { AIRA_HCE_CACHE: '/x/y' })).toBe('/x/y');
    expect(hceCacheDir(undefined, { HOME: '/h' })).toMatch(/\.cache\/aira\/hce$/);
    expect(hceSplitSeed(undefined, {})).toBe(0);
    expect(hceSplitSeed(undefined, { AIRA_HCE_SPLIT_SEED: '42' })).toBe(42);
    expect(hceSplitSeed(3, { AIRA_HCE_SPLIT_SEED: '42' })).toBe(3);
    expect(() => hceSplitSeed(undefined, { AIRA_HCE_SPLIT_SEED: 'abc' })).toThrow(
      /AIRA_HCE_SPLIT_SEED: expected a non-negative integer, got "abc"/,
    );
  });

  it('keeps the hidden folder private to its owner', async () => {
    const root = tempDir('mode');
    const c = await toyCompetition(root);
    const s = await prepareHce(c, { cacheDir: join(root, 'cache') });
    expect(statSync(s.hiddenDir).mode & 0o777).toBe(0o700);
    expect(s.publicDir.startsWith(s.dir) && !s.hiddenDir.startsWith(s.publicDir)).toBe(true);
  });
});

describe('leaking files (manifest "leaks")', () => {
  const leaks = [
    {
      files: ['public/annotations/*.json'],
      scope: 'hidden',
      action: 'withhold',
      reason: 'annotation dump holds every label',
      source: 'plugin-author',
    },
    {
      files: ['public/patient_notes.csv'],
      scope: 'hidden',
      action: 'strip-hidden-rows',
      reason: 'notes describe the outcome',
      source: 'plugin-author',
    },
    {
      files: ['public/row_meta.csv'],
      scope: 'both',
      action: 'strip-labels',
      reason: 'metadata repeats the label',
      source: 'plugin-author',
    },
  ];

  it('withholds or strips them in the HCE folder, and says so in hce.json and description.md', async () => {
    const root = tempDir('leaks');
    const c = await toyCompetition(root, {
      manifest: {
        leaks,
        split: {
          method: 'builtin',
          labelled: 'public/train.csv',
          id: ['id'],
          label: ['label'],
          unit: { by: 'column', column: 'patient' },
        },
      },
    });
    const s = await prepareHce(c, { cacheDir: join(root, 'cache') });
    const files = listFiles(s.publicDir);
    expect(files).not.toContain('annotations/dump.json');
    const hiddenPatients = new Set(
      [
        ...(await readCsvRecords(join(s.publicDir, 'search.csv'))).rows,
        ...(await readCsvRecords(join(s.publicDir, 'validation.csv'))).rows,
      ].map((r) => r.cells[1]),
    );
    expect(hiddenPatients.size).toBe(s.manifest.counts.search!.units + s.manifest.counts.validation!.units);
    const notes = (await readCsvRecords(join(s.publicDir, 'patient_notes.csv'))).rows.map((r) => r.cells[0]);
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.filter((p) => hiddenPatients.has(p))).toEqual([]);
    expect((await readCsvRecords(join(s.publicDir, 'row_meta.csv'))).header.cells).toEqual(['id', 'extra']);
    expect(s.manifest.leaks.map((l) => [l.path, l.outcome])).toEqual([
      ['annotations/dump.json', 'withheld'],
      ['patient_notes.csv', 'stripped'],
      ['row_meta.csv', 'stripped'],
    ]);
    expect(readFileSync(join(s.publicDir, 'description.md'), 'utf8')).toContain(
      'Withheld because they leak answers: `annotations/dump.json`',
    );
  });

  it('without HCE, applies only the entries about the test answers', async () => {
    const root = tempDir('open');
    const c = await toyCompetition(root, { manifest: { leaks } });
    const open = await prepareOpen(c, { cacheDir: join(root, 'cache') });
    const files = listFiles(open.publicDir);
    expect(files).toContain('annotations/dump.json');
    expect(readFileSync(join(open.publicDir, 'patient_notes.csv'))).toEqual(
      readFileSync(join(c.paths.public, 'patient_notes.csv')),
    );
    expect((await readCsvRecords(join(open.publicDir, 'row_meta.csv'))).header.cells).toEqual([
      'id',
      'extra',
    ]);
    expect(readFileSync(join(open.publicDir, 'train.csv'))).toEqual(
      readFileSync(join(c.paths.public, 'train.csv')),
    );
    expect(open.instructions).toContain('score: <number>');
    expect(open.instructions).toContain('submission/test.csv');
    expect((await prepareOpen(c, { cacheDir: join(root, 'cache') })).cached).toBe(true);
  });
});

describe("a plugin's own split()", () => {
  it('is used for split.method "custom", its files win, and the rest of public is carried over', async () => {
    const root = tempDir('plugin');
    const code = `import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
export async function split(ctx) {
  const [head, ...rows] = readFileSync(join(ctx.source, 'train.csv'), 'utf8').trim().split('\\n');
  const parts = { train: [], search: [], validation: [] };
  rows.forEach((r, i) => parts[i % 10 === 0 ? 'search' : i % 10 === 1 ? 'validation' : 'train'].push(r));
  writeFileSync(join(ctx.outPublic, 'train.csv'), [head, ...parts.train].join('\\n') + '\\n');
  for (const p of ['search', 'validation']) {
    writeFileSync(join(ctx.outHidden, p + '.csv'), ['id,label', ...parts[p].map((r) => { const c = r.split(','); return c[0] + ',' + c[3]; })].join('\\n') + '\\n');
    writeFileSync(join(ctx.outPublic, 'sample_submission_' + p + '.csv'), ['id,label', ...parts[p].map((r) => r.split(',')[0] + ',no')].join('\\n') + '\\n');
  }
  return { answers: { search: 'search.csv', validation: 'validation.csv' }, inputs: { search: 'sample_submission_search.csv', validation: 'sample_submission_validation.csv' } };
}
`;
    const c = await toyCompetition(root, {
      id: 'toy-custom',
      code,
      manifest: {
        split: {
          method: 'custom',
          labelled: 'public/train.csv',
          id: ['id'],
          label: ['label'],
          unit: { by: 'row' },
          answers: 'custom',
        },
      },
    });
    const s = await prepareHce(c, { cacheDir: join(root, 'cache') });
    expect(s.manifest.splitter).toBe('plugin:plugin');
    expect((await readCsvRecords(join(s.publicDir, 'train.csv'))).rows).toHaveLength(160);
    expect((await readCsvRecords(s.answers.search)).rows).toHaveLength(20);
    expect(listFiles(s.publicDir)).toEqual(
      expect.arrayContaining(['test.csv', 'sample_submission.csv', 'row_meta.csv', 'description.md']),
    );
    const grade = await c.grade(join(s.publicDir, 'sample_submission_search.csv'), s.answers.search);
    expect(grade.valid).toBe(true);
  });

  it('the built-in splitter refuses labels in a second file, which it would not split', async () => {
    const root = tempDir('twofiles');
    const data = {
      modality: ['tabular'],
      task: 'binary-classification',
      labelled: ['public/train.csv', 'public/row_meta.csv'],
      ids: { file: 'public/train.csv', columns: ['id'] },
      labels: { file: 'public/row_meta.csv', columns: ['label'] },
      testInputs: ['public/test.csv'],
      sampleSubmission: 'public/sample_submission.csv',
      answers: 'private/test.csv',
    };
    const c = await toyCompetition(root, { id: 'toy-two', manifest: { data } });
    await expect(prepareHce(c, { cacheDir: join(root, 'cache') })).rejects.toThrow(
      /splits one labelled file \(public\/train\.csv\) but data also names public\/row_meta\.csv as labelled/,
    );
  });

  it('a custom split without split() or a recipe is refused with the way out', async () => {
    const root = tempDir('nosplit');
    const c = await toyCompetition(root, {
      id: 'toy-nosplit',
      manifest: {
        split: {
          method: 'custom',
          labelled: 'public/train.csv',
          id: ['id'],
          label: ['label'],
          unit: { by: 'row' },
          answers: 'custom',
        },
      },
    });
    await expect(prepareHce(c, { cacheDir: join(root, 'cache') })).rejects.toThrow(
      /HCE cannot split toy-nosplit yet: split\.method is "custom", HCE has no recipe for toy-nosplit \(its recipes cover the custom splits of MLE-bench-30\) and plugin plugin exports no split\(\); run it with --hce off/,
    );
  });
});
