import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvLine } from '../csv/write.js';
import { csvObjects, expectNoSecrets, expectPartition, recipeHarness } from '../test-support/recipes.js';

const h = recipeHarness('osic');
const ID = 'osic-pulmonary-fibrosis-progression';
/** The best score: perfect FVC at the smallest sigma the metric allows (70): −ln(√2·70). */
const BEST = Math.round(-Math.log(Math.SQRT2 * 70) * 1e5) / 1e5;

describe(`${ID} recipe`, () => {
  it('splits patients, gives first visits as inputs and the dense week grid as answers, perfect scores the best value', async () => {
    const { c, s } = await h.split(ID, 200);
    const all = await csvObjects(join(c.paths.public, 'train.csv'));
    const train = await csvObjects(join(s.publicDir, 'train.csv'));
    const units = {
      train: [...new Set(train.map((r) => r['Patient']!))],
      search: [] as string[],
      validation: [] as string[],
    };
    for (const part of ['search', 'validation'] as const) {
      const answers = await csvObjects(s.answers[part]);
      const input = await csvObjects(join(s.publicDir, `${part}.csv`));
      units[part] = [...new Set(answers.map((a) => a['Patient']!))];
      expect(input.map((r) => r['Patient'])).toEqual([...units[part]].sort());
      const measured = all.filter((r) => units[part].includes(r['Patient']!));
      for (const i of input)
        expect(Number(i['Weeks'])).toBe(
          Math.min(...measured.filter((m) => m['Patient'] === i['Patient']).map((m) => Number(m['Weeks']))),
        );
      const weeks = measured.map((m) => Number(m['Weeks']));
      expect(answers.length).toBe(units[part].length * (Math.max(...weeks) - Math.min(...weeks) + 1));
      expect(answers.filter((a) => a['FVC'] !== '').length).toBe(measured.length);
      for (const p of units[part]) {
        expect(existsSync(join(s.publicDir, part, p, '1.dcm'))).toBe(true);
        expect(existsSync(join(s.publicDir, 'train', p))).toBe(false);
      }
      const perfect =
        csvLine(['Patient_Week', 'FVC', 'Confidence']) +
        answers.map((a) => csvLine([a['Patient_Week']!, a['FVC'] || '2000', '70'])).join('');
      const g = await h.grade(c, s.answers[part], part, perfect);
      expect(g, g.error).toMatchObject({ valid: true, score: BEST });
      const dummy = await c.grade(join(s.publicDir, s.manifest.samples[part]), s.answers[part]);
      expect(dummy.valid && dummy.score! < BEST).toBe(true);
      // Later visits of hidden patients (their FVC percent, 13 digits) are nowhere public.
      expectNoSecrets(
        s.publicDir,
        measured
          .filter((m) => !input.some((i) => i['Patient'] === m['Patient'] && i['Weeks'] === m['Weeks']))
          .map((m) => m['Percent']!),
      );
    }
    expectPartition(units);
    expect(units.train.length + units.search.length + units.validation.length).toBe(
      new Set(all.map((r) => r['Patient'])).size,
    );
  });
});
