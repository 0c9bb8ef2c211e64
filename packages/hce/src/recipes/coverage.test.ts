import { describe, expect, it } from 'vitest';
import { MLEBENCH_SYNTH } from '@aira/synth';
import { competitions } from '../test-support/fixtures.js';
import { RECIPES } from './index.js';

describe('every custom MLE-bench-30 split has a recipe', () => {
  it('each competition of the mlebench-30 suite whose split is custom (and whose plugin has no split()) has an HCE recipe and a synthetic-data writer', async () => {
    const reg = await competitions();
    const suite = reg.resolveSuite('mlebench-30');
    expect(suite.unresolved).toEqual([]);
    const custom = suite.competitions.filter((f) => f.manifest.split.method === 'custom' && !f.create().split).map((f) => f.id);
    expect(custom.length).toBeGreaterThanOrEqual(15);
    expect(custom.filter((id) => !RECIPES.has(id))).toEqual([]);
    // The four that split before the 13 had their own fixtures; their writers come with the rest of the 54.
    const older = ['hotel-id-2021-fgvc8', 'kuzushiji-recognition', 'mlsp-2013-birds', 'nomad2018-predict-transparent-conductors'];
    expect([...RECIPES.keys()].filter((id) => !MLEBENCH_SYNTH[id] && !older.includes(id))).toEqual([]);
  });
});
