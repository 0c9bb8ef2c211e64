import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvLine } from '../csv/write.js';
import { dayOf } from '../split/labelled.js';
import { csvObjects, recipeHarness } from '../test-support/recipes.js';

const h = recipeHarness('handm');
const ID = 'h-and-m-personalized-fashion-recommendations';

describe(`${ID} recipe`, () => {
  it('holds out the last two 8-day windows, answers are the buyers with unpadded ids, perfect scores 1', async () => {
    const { c, s } = await h.split(ID, 400);
    const all = await csvObjects(join(c.paths.public, 'transactions_train.csv'));
    const train = await csvObjects(join(s.publicDir, 'transactions_train.csv'));
    const last = Math.max(...all.map((r) => dayOf(r['t_dat']!)));
    expect(Math.max(...train.map((r) => dayOf(r['t_dat']!)))).toBeLessThanOrEqual(last - 16);
    const windows = { search: [last - 15, last - 8], validation: [last - 7, last] } as const;
    let held = 0;
    for (const part of ['search', 'validation'] as const) {
      const [lo, hi] = windows[part];
      const inWindow = all.filter((r) => dayOf(r['t_dat']!) >= lo && dayOf(r['t_dat']!) <= hi);
      held += inWindow.length;
      const answers = await csvObjects(s.answers[part]);
      expect(answers.map((a) => a['customer_id'])).toEqual(
        [...new Set(inWindow.map((r) => r['customer_id']!))].sort(),
      );
      for (const a of answers)
        expect(a['prediction']).toBe(
          inWindow
            .filter((r) => r['customer_id'] === a['customer_id'])
            .map((r) => r['article_id']!.replace(/^0+/, ''))
            .join(' '),
        );
      // A perfect submission: each buyer's distinct articles (MAP@12 counts a repeat once).
      const perfect =
        csvLine(['customer_id', 'prediction']) +
        answers
          .map((a) =>
            csvLine([a['customer_id']!, [...new Set(a['prediction']!.split(' '))].slice(0, 12).join(' ')]),
          )
          .join('');
      const g = await h.grade(c, s.answers[part], part, perfect);
      expect(g, g.error).toMatchObject({ valid: true, score: 1 });
      const dummy = await c.grade(join(s.publicDir, s.manifest.samples[part]), s.answers[part]);
      expect(dummy.valid && dummy.score! < 1).toBe(true);
    }
    expect(train.length + held).toBe(all.length);
  });
});
