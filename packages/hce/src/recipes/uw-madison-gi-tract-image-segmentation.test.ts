import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvLine } from '../csv/write.js';
import { csvObjects, expectPartition, recipeHarness } from '../test-support/recipes.js';

const h = recipeHarness('uw-madison');
const ID = 'uw-madison-gi-tract-image-segmentation';
const kase = (id: string) => id.split('_')[0]!;

describe(`${ID} recipe`, () => {
  it('splits cases, answers in input row order with scan sizes, scans moved, perfect scores 1', async () => {
    const { c, s } = await h.split(ID, 30);
    const all = await csvObjects(join(c.paths.public, 'train.csv'));
    const train = await csvObjects(join(s.publicDir, 'train.csv'));
    const units = {
      train: [...new Set(train.map((r) => kase(r['id']!)))],
      search: [] as string[],
      validation: [] as string[],
    };
    for (const part of ['search', 'validation'] as const) {
      const answers = await csvObjects(s.answers[part]);
      const input = await csvObjects(join(s.publicDir, `${part}.csv`));
      units[part] = [...new Set(answers.map((a) => kase(a['id']!)))];
      expect(input).toEqual(answers.map((a) => ({ id: a['id'], class: a['class'] })));
      for (const a of answers) {
        const src = all.find((r) => r['id'] === a['id'] && r['class'] === a['class'])!;
        expect(a['predicted']).toBe(src['segmentation']);
        expect([a['image_width'], a['image_height']]).toEqual(['16.0', '16.0']);
        const [k, d, , sl] = a['id']!.split('_');
        expect(
          existsSync(join(s.publicDir, part, k!, `${k}_${d}`, 'scans', `slice_${sl}_16_16_1.50_1.50.png`)),
        ).toBe(true);
        expect(existsSync(join(s.publicDir, 'train', k!))).toBe(false);
      }
      // The grader is positional: the answers themselves, in order, score 1.
      const perfect =
        csvLine(['id', 'class', 'predicted']) +
        answers.map((a) => csvLine([a['id']!, a['class']!, a['predicted']!])).join('');
      const g = await h.grade(c, s.answers[part], part, perfect);
      expect(g, g.error).toMatchObject({ valid: true, score: 1 });
      const dummy = await c.grade(join(s.publicDir, s.manifest.samples[part]), s.answers[part]);
      expect(dummy.valid && dummy.score! < 1).toBe(true);
      // The hidden masks are not in the public train.csv.
      expect(train.some((t) => units[part].includes(kase(t['id']!)))).toBe(false);
    }
    expectPartition(units);
    expect(units.train.length + units.search.length + units.validation.length).toBe(
      new Set(all.map((r) => kase(r['id']!))).size,
    );
  });
});
