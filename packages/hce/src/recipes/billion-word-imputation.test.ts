import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { csvObjects, expectNoSecrets, expectPartition, recipeHarness } from '../test-support/recipes.js';

const h = recipeHarness('billion-word');
const ID = 'billion-word-imputation';
const unzipText = (f: string) =>
  Object.entries(unzipSync(readFileSync(f))).map(([name, b]) => [name, new TextDecoder().decode(b)] as const);

describe(`${ID} recipe`, () => {
  it('holds out sentences of more than two words, generates inputs with one interior word removed, perfect scores 0', async () => {
    const { c, s } = await h.split(ID, 400);
    const [[, original]] = unzipText(join(c.paths.public, 'train_v2.txt.zip')) as [[string, string]];
    const [[entry, kept]] = unzipText(join(s.publicDir, 'train_v2.txt.zip')) as [[string, string]];
    expect(entry).toBe('train_v2.txt');
    const all = original.split('\n').filter((l) => l !== '');
    const units = {
      train: kept.split('\n').filter((l) => l !== ''),
      search: [] as string[],
      validation: [] as string[],
    };
    for (const part of ['search', 'validation'] as const) {
      const answers = await csvObjects(s.answers[part]);
      expect(readFileSync(s.answers[part], 'utf8').startsWith('"id","sentence"\n0,"')).toBe(true);
      expect(answers.map((a) => a['id'])).toEqual(answers.map((_, i) => String(i)));
      units[part] = answers.map((a) => a['sentence']!);
      const [[name, input]] = unzipText(join(s.publicDir, `${part}_v2.txt.zip`)) as [[string, string]];
      expect(name).toBe(`${part}_v2.txt`);
      expect(readFileSync(join(s.publicDir, s.manifest.samples[part]), 'utf8')).toBe(input);
      const rows = input
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => /^(\d+),"(.*)"$/.exec(l)!);
      rows.forEach((m, i) => {
        const full = units[part][i]!.split(' ');
        const cut = m[2]!.replace(/""/g, '"').split(' ');
        expect(full.length).toBeGreaterThan(2);
        expect(cut.length).toBe(full.length - 1);
        // The first and last words stay.
        expect([cut[0], cut.at(-1)]).toEqual([full[0], full.at(-1)]);
      });
      const g = await h.grade(c, s.answers[part], part, readFileSync(s.answers[part], 'utf8'));
      expect(g, g.error).toMatchObject({ valid: true, score: 0 });
      const dummy = await c.grade(join(s.publicDir, s.manifest.samples[part]), s.answers[part]);
      expect(dummy.valid && dummy.score! > 0).toBe(true);
      expectNoSecrets(
        s.publicDir,
        units[part].map((x) => x.replace(/""/g, '"')),
      );
    }
    expectPartition(units);
    expect(units.train.length + units.search.length + units.validation.length).toBe(all.length);
  });
});
