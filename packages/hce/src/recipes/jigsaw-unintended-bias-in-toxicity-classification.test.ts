import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvLine } from '../csv/write.js';
import { csvObjects, expectNoSecrets, expectPartition, recipeHarness } from '../test-support/recipes.js';
import { readCsvRecords } from '../csv/read.js';

const h = recipeHarness('jigsaw-ub');
const ID = 'jigsaw-unintended-bias-in-toxicity-classification';

describe(`${ID} recipe`, () => {
  it('splits comments stratified by identity annotation, answers in the private test columns, a perfect submission scores 1', async () => {
    const { c, s } = await h.split(ID, 1000);
    const all = await csvObjects(join(c.paths.public, 'train.csv'));
    const train = await csvObjects(join(s.publicDir, 'train.csv'));
    const units = { train: train.map((r) => r['id']!), search: [] as string[], validation: [] as string[] };
    const annotated = (r: Record<string, string>) => r['male'] !== '';
    const own = (await readCsvRecords(c.paths.answers)).header.cells;
    for (const part of ['search', 'validation'] as const) {
      const answers = await csvObjects(s.answers[part]);
      expect((await readCsvRecords(s.answers[part])).header.cells).toEqual(own);
      units[part] = answers.map((a) => a['id']!);
      // Stratified: the share of annotated rows is the file's.
      const share = answers.filter(annotated).length / answers.length;
      expect(Math.abs(share - all.filter(annotated).length / all.length)).toBeLessThan(0.05);
      for (const a of answers) expect(a['toxicity']).toBe(all.find((r) => r['id'] === a['id'])!['target']);
      const input = await readCsvRecords(join(s.publicDir, `${part}.csv`));
      expect(input.header.cells).toEqual(['id', 'comment_text']);
      expect(input.rows.map((r) => r.cells[0])).toEqual(units[part]);
      const perfect =
        csvLine(['id', 'prediction']) + answers.map((a) => csvLine([a['id']!, a['toxicity']!])).join('');
      const g = await h.grade(c, s.answers[part], part, perfect);
      expect(g, g.error).toMatchObject({ valid: true, score: 1 });
      const dummy = await c.grade(join(s.publicDir, s.manifest.samples[part]), s.answers[part]);
      expect(dummy.score ?? 0).toBeLessThan(1);
      expectNoSecrets(
        s.publicDir,
        answers.map((a) => a['toxicity']!),
      );
    }
    expectPartition(units);
    expect(units.train.length + units.search.length + units.validation.length).toBe(all.length);
  });
});
