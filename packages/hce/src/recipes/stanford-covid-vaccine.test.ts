import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { perfectSubmission } from '../test-support/perfect.js';
import { csvObjects, expectNoSecrets, expectPartition, recipeHarness } from '../test-support/recipes.js';

const h = recipeHarness('stanford');
const jsonl = (f: string) =>
  readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('stanford-covid-vaccine recipe', () => {
  it('splits sequences among SN_filter = 1 rows, melts answers the grader reads, and a perfect submission scores 0', async () => {
    const { c, s } = await h.split('stanford-covid-vaccine', 60);
    const train = jsonl(join(s.publicDir, 'train.json'));
    const all = jsonl(join(c.paths.public, 'train.json'));
    expect(train.map((r) => r['index'])).toEqual(train.map((_, i) => i));
    const units = {
      train: train.map((r) => String(r['id'])),
      search: [] as string[],
      validation: [] as string[],
    };
    for (const part of ['search', 'validation'] as const) {
      const input = jsonl(join(s.publicDir, `${part}.json`));
      expect(Object.keys(input[0]!)).toEqual([
        'index',
        'id',
        'sequence',
        'structure',
        'predicted_loop_type',
        'seq_length',
        'seq_scored',
      ]);
      units[part] = input.map((r) => String(r['id']));
      for (const id of units[part]) expect(all.find((r) => r['id'] === id)!['SN_filter']).toBe(1);
      const answers = await csvObjects(s.answers[part]);
      expect([...new Set(answers.map((a) => a['id_seqpos']!.replace(/_\d+$/, '')))]).toEqual(units[part]);
      expect(answers.length).toBe(units[part].length * 12);
      expect(answers.filter((a) => a['keep'] === 'True').length).toBe(units[part].length * 8);
      const g = await h.grade(
        c,
        s.answers[part],
        part,
        await perfectSubmission(join(s.publicDir, s.manifest.samples[part]), s.answers[part]),
      );
      expect(g, g.error).toMatchObject({ valid: true, score: 0 });
      const dummy = await c.grade(join(s.publicDir, s.manifest.samples[part]), s.answers[part]);
      expect(dummy.valid && dummy.score! > 0).toBe(true);
      // No target value of a hidden sequence is in the public folder.
      expectNoSecrets(
        s.publicDir,
        answers
          .filter((a) => a['keep'] === 'True')
          .slice(0, 40)
          .map((a) => a['reactivity']!.replace(/0+$/, '')),
      );
    }
    expectPartition(units);
    expect(units.train.length + units.search.length + units.validation.length).toBe(all.length);
  });
});
