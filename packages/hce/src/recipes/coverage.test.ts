import { describe, expect, it } from 'vitest';
import { MLEBENCH_SYNTH } from '@aira/synth';
import { competitions } from '../test-support/fixtures.js';
import { RECIPES } from './index.js';

describe('every custom MLE-bench-30 split has a recipe', () => {
  it('each competition of the mlebench-30 suite whose split is custom (and whose plugin has no split()) has an HCE recipe and a synthetic-data writer', async () => {
    const reg = await competitions();
    const suite = reg.resolveSuite('mlebench-30');
    expect(suite.unresolved).toEqual([]);
    const custom = suite.competitions
      .filter((f) => f.manifest.split.method === 'custom' && !f.create().split)
      .map((f) => f.id);
    expect(custom.length).toBeGreaterThanOrEqual(15);
    expect(custom.filter((id) => !RECIPES.has(id))).toEqual([]);
    expect([...RECIPES.keys()].filter((id) => !MLEBENCH_SYNTH[id])).toEqual([]);
  });
});
