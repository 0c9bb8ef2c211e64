import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvLine } from '../csv/write.js';
import { csvObjects, expectNoSecrets, expectPartition, recipeHarness } from '../test-support/recipes.js';

const h = recipeHarness('hubmap');
const ID = 'hubmap-kidney-segmentation';

describe(`${ID} recipe`, () => {
  it('splits images, answers with sizes, perfect scores 1; the polygon masks of hidden and test images are not public, anatomical structures are', async () => {
    const { c, s } = await h.split(ID, 20);
    const all = await csvObjects(join(c.paths.public, 'train.csv'));
    const train = await csvObjects(join(s.publicDir, 'train.csv'));
    const units = { train: train.map((r) => r['id']!), search: [] as string[], validation: [] as string[] };
    const hiddenEncodings: string[] = [];
    for (const part of ['search', 'validation'] as const) {
      const answers = await csvObjects(s.answers[part]);
      units[part] = answers.map((a) => a['id']!);
      for (const a of answers) {
        expect(Number(a['width_pixels'])).toBeGreaterThan(0);
        expect(existsSync(join(s.publicDir, part, `${a['id']}.tiff`))).toBe(true);
        expect(existsSync(join(s.publicDir, part, `${a['id']}-anatomical-structure.json`))).toBe(true);
        // The leak: the glomerulus polygons of a hidden image are nowhere public.
        expect(existsSync(join(s.publicDir, part, `${a['id']}.json`))).toBe(false);
        expect(existsSync(join(s.publicDir, 'train', `${a['id']}.json`))).toBe(false);
        expect(existsSync(join(s.publicDir, 'train', `${a['id']}.tiff`))).toBe(false);
        hiddenEncodings.push(a['encoding']!);
      }
      const perfect =
        csvLine(['id', 'predicted']) + answers.map((a) => csvLine([a['id']!, a['encoding']!])).join('');
      const g = await h.grade(c, s.answers[part], part, perfect);
      expect(g, g.error).toMatchObject({ valid: true, score: 1 });
      const dummy = await c.grade(join(s.publicDir, s.manifest.samples[part]), s.answers[part]);
      expect(dummy.valid && dummy.score! < 1).toBe(true);
    }
    expectPartition(units);
    expect(units.train.length + units.search.length + units.validation.length).toBe(all.length);
    // Train images keep both json files; MLE-bench's test images keep only the anatomical structure.
    for (const id of units.train)
      for (const f of [`${id}.json`, `${id}-anatomical-structure.json`, `${id}.tiff`])
        expect(existsSync(join(s.publicDir, 'train', f)), f).toBe(true);
    const test = readdirSync(join(s.publicDir, 'test'));
    expect(test.filter((f) => f.endsWith('-anatomical-structure.json'))).toHaveLength(3);
    expect(test.filter((f) => f.endsWith('.json') && !f.endsWith('-anatomical-structure.json'))).toEqual([]);
    expect(s.manifest.leaks.map((l) => [l.path, l.outcome]).sort()).toEqual(
      test
        .filter((f) => f.endsWith('.tiff'))
        .map((f) => [`test/${f.replace('.tiff', '.json')}`, 'withheld'])
        .sort(),
    );
    const testAnswers = await csvObjects(c.paths.answers);
    expectNoSecrets(s.publicDir, [...hiddenEncodings, ...testAnswers.map((a) => a['encoding']!)]);
  });
});
