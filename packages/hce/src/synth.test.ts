import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthIds } from '@aira/synth';
import { prepareHce } from './prepare.js';
import { competitions, fixtureCompetition, tempDir } from './test-support/fixtures.js';

const data = tempDir('synth-data');
const cache = tempDir('synth-cache');

/** Writers whose competitions split today (a built-in split or an HCE recipe). */
async function splittable(): Promise<string[]> {
  const reg = await competitions();
  return synthIds().filter((id) => {
    const c = reg.create(id, { dataDir: data });
    return c.manifest.split.method === 'builtin' || ['mlsp-2013-birds', 'nomad2018-predict-transparent-conductors'].includes(id);
  });
}

describe('@aira/synth data in MLE-bench layouts, split by HCE', async () => {
  const ids = await splittable();
  it.each(ids)('%s: splits, and its grader accepts each part\'s sample submission', async (id) => {
    const c = await fixtureCompetition(id, data, 40, 3);
    const s = await prepareHce(c, { cacheDir: cache, splitSeed: 0 });
    for (const part of ['search', 'validation', 'test'] as const) {
      expect(s.manifest.counts.search?.rows ?? 1).toBeGreaterThan(0);
      const g = await c.grade(join(s.publicDir, s.manifest.samples[part]), s.answers[part]);
      expect(g.error ?? null, `${id} ${part}`).toBeNull();
      expect(g.valid).toBe(true);
    }
  }, 60_000);
});
