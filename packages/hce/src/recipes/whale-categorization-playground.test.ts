import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { perfectSubmission } from '../test-support/perfect.js';
import { csvObjects, expectNoSecrets, recipeHarness } from '../test-support/recipes.js';

const h = recipeHarness('whale');
const ID = 'whale-categorization-playground';

describe(`${ID} recipe`, () => {
  it("applies MLE-bench's per-whale rule, relabels unseen whales new_whale, moves hidden images out of train/, perfect scores 1", async () => {
    const { c, s } = await h.split(ID, 300);
    const all = await csvObjects(join(c.paths.public, 'train.csv'));
    const train = await csvObjects(join(s.publicDir, 'train.csv'));
    const trainImages = new Set(train.map((r) => r['Image']!));
    const trainWhales = new Set(train.map((r) => r['Id']!));
    const hidden: string[] = [];
    for (const part of ['search', 'validation'] as const) {
      const answers = await csvObjects(s.answers[part]);
      expect(answers.length).toBeGreaterThan(all.length * 0.05);
      for (const a of answers) {
        expect(trainImages.has(a['Image']!)).toBe(false);
        const truth = all.find((r) => r['Image'] === a['Image'])!['Id']!;
        expect(a['Id']).toBe(trainWhales.has(truth) ? truth : 'new_whale');
        expect(existsSync(join(s.publicDir, part, a['Image']!))).toBe(true);
        expect(existsSync(join(s.publicDir, 'train', a['Image']!))).toBe(false);
        hidden.push(a['Image']!);
      }
      const g = await h.grade(
        c,
        s.answers[part],
        part,
        await perfectSubmission(join(s.publicDir, s.manifest.samples[part]), s.answers[part]),
      );
      expect(g, g.error).toMatchObject({ valid: true, score: 1 });
      const dummy = await c.grade(join(s.publicDir, s.manifest.samples[part]), s.answers[part]);
      expect(dummy.valid && dummy.score! < 1).toBe(true);
    }
    // No image in two parts; every image somewhere; each multi-image whale keeps a train image.
    expect(new Set(hidden).size).toBe(hidden.length);
    expect(trainImages.size + hidden.length).toBe(all.length);
    expect(readdirSync(join(s.publicDir, 'train')).length).toBe(trainImages.size);
    const counts = new Map<string, number>();
    for (const r of all) counts.set(r['Id']!, (counts.get(r['Id']!) ?? 0) + 1);
    for (const [whale, n] of counts) if (n >= 2) expect(trainWhales.has(whale), whale).toBe(true);
    // Agents are told where each part's images are.
    const description = readFileSync(join(s.publicDir, 'description.md'), 'utf8');
    expect(description).toContain("their media were moved out of the train media into each part's own files");
    expect(description).toContain('| search | `search` | `sample_submission_search.csv` |');
    expect(s.manifest.media).toEqual({ search: ['search'], validation: ['validation'] });
    // The hidden images' names occur only in their own part's sample and folder.
    expectNoSecrets(s.publicDir, hidden, (name) =>
      /^(search|validation)\/|sample_submission_(search|validation)\.csv$/.test(name),
    );
  });
});
