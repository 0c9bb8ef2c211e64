import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../csv/read.js';
import { perfectSubmission } from '../test-support/perfect.js';
import { csvObjects, expectPartition, recipeHarness } from '../test-support/recipes.js';

const h = recipeHarness('freesound');
const ID = 'freesound-audio-tagging-2019';
const names = (f: string) => Object.keys(unzipSync(readFileSync(f))).sort();

describe(`${ID} recipe`, () => {
  it('holds out curated clips with multi-hot answers, moves their audio out of train_curated.zip, perfect scores 1', async () => {
    const { c, s } = await h.split(ID, 120);
    const all = await csvObjects(join(c.paths.public, 'train_curated.csv'));
    const train = await csvObjects(join(s.publicDir, 'train_curated.csv'));
    const classes = (await readCsvRecords(c.paths.sampleSubmission)).header.cells.slice(1);
    const units = {
      train: train.map((r) => r['fname']!),
      search: [] as string[],
      validation: [] as string[],
    };
    expect(names(join(s.publicDir, 'train_curated.zip'))).toEqual([...units.train].sort());
    expect(readFileSync(join(s.publicDir, 'train_noisy.csv'))).toEqual(
      readFileSync(join(c.paths.public, 'train_noisy.csv')),
    );
    for (const part of ['search', 'validation'] as const) {
      const answers = await csvObjects(s.answers[part]);
      units[part] = answers.map((a) => a['fname']!);
      expect(names(join(s.publicDir, `${part}.zip`))).toEqual([...units[part]].sort());
      for (const a of answers) {
        const labels = all.find((r) => r['fname'] === a['fname'])!['labels']!.split(',');
        expect(classes.filter((k) => a[k] === '1')).toEqual(classes.filter((k) => labels.includes(k)));
      }
      const g = await h.grade(
        c,
        s.answers[part],
        part,
        await perfectSubmission(join(s.publicDir, s.manifest.samples[part]), s.answers[part]),
      );
      expect(g, g.error).toMatchObject({ valid: true, score: 1 });
      const dummy = await c.grade(join(s.publicDir, s.manifest.samples[part]), s.answers[part]);
      expect(dummy.score ?? 0).toBeLessThan(1);
    }
    expectPartition(units);
    expect(units.train.length + units.search.length + units.validation.length).toBe(all.length);
  });
});
