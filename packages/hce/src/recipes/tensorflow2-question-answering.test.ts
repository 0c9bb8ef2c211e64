import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvLine } from '../csv/write.js';
import { expectNoSecrets, expectPartition, recipeHarness } from '../test-support/recipes.js';

const h = recipeHarness('tf2qa');
const ID = 'tensorflow2-question-answering';
/** NQ records are deep JSON, read back only for checks. */
type Rec = Record<string, any>;
const jsonl = (f: string): Rec[] =>
  readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Rec);

/** The gold submission MLE-bench derives from the annotations: short then long row per example. */
function gold(records: Rec[]): string {
  const rows = records.flatMap((r) => {
    const a = r['annotations'][0];
    const short =
      a.yes_no_answer !== 'NONE'
        ? a.yes_no_answer
        : a.short_answers.length
          ? `${a.short_answers[0].start_token}:${a.short_answers[0].end_token}`
          : '';
    const long =
      a.long_answer.start_token !== -1 ? `${a.long_answer.start_token}:${a.long_answer.end_token}` : '';
    return [
      [`${r['example_id']}_short`, short],
      [`${r['example_id']}_long`, long],
    ];
  });
  return csvLine(['example_id', 'PredictionString']) + rows.map((r) => csvLine(r)).join('');
}

describe(`${ID} recipe`, () => {
  it('splits examples, keeps JSON Lines answers with annotations, inputs without labels, perfect scores 1', async () => {
    const { c, s } = await h.split(ID, 120);
    const all = jsonl(join(c.paths.public, 'simplified-nq-train.jsonl'));
    const train = jsonl(join(s.publicDir, 'simplified-nq-train.jsonl'));
    const units = {
      train: train.map((r) => String(r['example_id'])),
      search: [] as string[],
      validation: [] as string[],
    };
    for (const part of ['search', 'validation'] as const) {
      const answers = jsonl(s.answers[part]);
      expect(s.answers[part].endsWith('.jsonl')).toBe(true);
      units[part] = answers.map((r) => String(r['example_id']));
      const input = jsonl(join(s.publicDir, s.manifest.inputs[part][0]!));
      expect(s.manifest.inputs[part]).toEqual([`simplified-nq-${part}.jsonl`]);
      expect(input.map((r) => Object.keys(r))).toEqual(
        input.map(() => ['example_id', 'question_text', 'document_text', 'long_answer_candidates']),
      );
      expect(input.map((r) => r['example_id'])).toEqual(units[part]);
      const g = await h.grade(c, s.answers[part], part, gold(answers));
      expect(g, g.error).toMatchObject({ valid: true, score: 1 });
      const dummy = await c.grade(join(s.publicDir, s.manifest.samples[part]), s.answers[part]);
      expect(dummy.valid).toBe(true);
      expect(dummy.score!).toBeLessThan(1);
      // The hidden examples' documents (and so their annotations) are nowhere in train.
      const urls = answers.map((r) => String(r['document_url']));
      expectNoSecrets(s.publicDir, urls);
    }
    expectPartition(units);
    expect(units.train.length + units.search.length + units.validation.length).toBe(all.length);
  });
});
