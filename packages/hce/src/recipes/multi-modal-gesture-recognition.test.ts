import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  csvObjects,
  expectNoSecrets,
  expectPartition,
  recipeHarness,
  untar,
} from '../test-support/recipes.js';

const h = recipeHarness('gesture');
const ID = 'multi-modal-gesture-recognition';
const archive = (f: string) =>
  new Map(
    untar(gunzipSync(readFileSync(f))).map(([name, data]) => [name, Object.keys(unzipSync(data)).sort()]),
  );
const idOf = (entry: string) => /(\d{4})\.zip$/.exec(entry)![1]!;

describe(`${ID} recipe`, () => {
  it('moves hidden samples out of training1-3.tar.gz, keeps Ids zero-padded, perfect scores 0; no labels of a hidden or test sample are public (the synthetic _data.mat stand-ins are not MAT-files, so they are withheld; mat.test.ts covers stripping real ones)', async () => {
    const { c, s } = await h.split(ID, 40);
    const all = await csvObjects(join(c.paths.public, 'training.csv'));
    const train = await csvObjects(join(s.publicDir, 'training.csv'));
    const units = { train: train.map((r) => r['Id']!), search: [] as string[], validation: [] as string[] };
    const inTraining = [1, 2, 3].flatMap((k) => [...archive(join(s.publicDir, `training${k}.tar.gz`))]);
    expect(inTraining.map(([e]) => idOf(e)).sort()).toEqual([...units.train].sort());
    for (const [, files] of inTraining) expect(files.some((f) => f.endsWith('_data.mat'))).toBe(true);
    const secrets: string[] = [];
    for (const part of ['search', 'validation'] as const) {
      const answers = await csvObjects(s.answers[part]);
      units[part] = answers.map((a) => a['Id']!);
      for (const a of answers) {
        expect(a['Id']).toMatch(/^\d{4}$/);
        expect(a['Sequence']).toBe(all.find((r) => r['Id'] === a['Id'])!['Sequence']);
        secrets.push(`Video.Labels Sample0${a['Id']}:`);
      }
      expect((await csvObjects(join(s.publicDir, `${part}.csv`))).map((r) => r['Id'])).toEqual(units[part]);
      const zips = archive(join(s.publicDir, `${part}.tar.gz`));
      expect([...zips.keys()].map(idOf).sort()).toEqual([...units[part]].sort());
      for (const files of zips.values()) {
        expect(files.some((f) => f.endsWith('_color.mp4'))).toBe(true);
        expect(files.filter((f) => f.endsWith('_data.mat'))).toEqual([]);
      }
      const g = await h.grade(c, s.answers[part], part, readFileSync(s.answers[part], 'utf8'));
      expect(g, g.error).toMatchObject({ valid: true, score: 0 });
      const dummy = await c.grade(join(s.publicDir, s.manifest.samples[part]), s.answers[part]);
      expect(dummy.valid && dummy.score! > 0).toBe(true);
    }
    expectPartition(units);
    expect(units.train.length + units.search.length + units.validation.length).toBe(all.length);
    // MLE-bench's own test archive reaches sessions without its label files too.
    const test = archive(join(s.publicDir, 'test.tar.gz'));
    expect(test.size).toBeGreaterThan(0);
    for (const [entry, files] of test) {
      expect(files.filter((f) => f.endsWith('_data.mat'))).toEqual([]);
      secrets.push(`Video.Labels Sample0${idOf(entry)}:`);
    }
    expectNoSecrets(s.publicDir, secrets);
  });
});
