import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { perfectSubmission } from '../test-support/perfect.js';
import { csvObjects, expectNoSecrets, expectPartition, recipeHarness } from '../test-support/recipes.js';

const h = recipeHarness('nfl');
const ID = 'nfl-player-contact-detection';
const SIDE = ['baseline_helmets', 'player_tracking', 'video_metadata'];

describe(`${ID} recipe`, () => {
  it('splits plays with their side tables and videos, answers are label rows, perfect scores 1', async () => {
    const { c, s } = await h.split(ID, 40);
    const all = await csvObjects(join(c.paths.public, 'train_labels.csv'));
    const train = await csvObjects(join(s.publicDir, 'train_labels.csv'));
    const units = {
      train: [...new Set(train.map((r) => r['game_play']!))],
      search: [] as string[],
      validation: [] as string[],
    };
    for (const side of SIDE)
      expect(
        new Set((await csvObjects(join(s.publicDir, `train_${side}.csv`))).map((r) => r['game_play'])),
      ).toEqual(new Set(units.train));
    for (const part of ['search', 'validation'] as const) {
      const answers = await csvObjects(s.answers[part]);
      units[part] = [...new Set(answers.map((a) => a['game_play']!))];
      expect(s.manifest.inputs[part]).toEqual(SIDE.map((x) => `${part}_${x}.csv`));
      for (const side of SIDE)
        expect(
          new Set((await csvObjects(join(s.publicDir, `${part}_${side}.csv`))).map((r) => r['game_play'])),
        ).toEqual(new Set(units[part]));
      for (const gp of units[part]) {
        for (const v of ['All29', 'Endzone', 'Sideline']) {
          expect(existsSync(join(s.publicDir, part, `${gp}_${v}.mp4`))).toBe(true);
          expect(existsSync(join(s.publicDir, 'train', `${gp}_${v}.mp4`))).toBe(false);
        }
      }
      const g = await h.grade(
        c,
        s.answers[part],
        part,
        await perfectSubmission(join(s.publicDir, s.manifest.samples[part]), s.answers[part]),
      );
      expect(g, g.error).toMatchObject({ valid: true, score: 1 });
      const dummy = await c.grade(join(s.publicDir, s.manifest.samples[part]), s.answers[part]);
      expect(dummy.score ?? 0).toBeLessThan(1);
      // The label rows of hidden plays (contact id with its label) are nowhere public.
      expectNoSecrets(
        s.publicDir,
        answers.map((a) => `${a['contact_id']},${a['game_play']}`),
      );
    }
    expectPartition(units);
    expect(units.train.length + units.search.length + units.validation.length).toBe(
      new Set(all.map((r) => r['game_play'])).size,
    );
  });
});
