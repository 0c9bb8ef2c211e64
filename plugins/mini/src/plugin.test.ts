import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkData,
  createCompetition,
  expandSuite,
  loadPlugin,
  loadRegistry,
  ManifestSchema,
  prepareCommand,
} from '@aira/competitions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MINI_IDS, MINI_PLUGIN_DIR, MINI_SUITE } from './paths.js';
import { SHARED_DATA, preparedAll } from './test-support/data.js';

beforeAll(async () => {
  await preparedAll();
}, 120_000);

describe('the mini plugin through @aira/competitions', () => {
  it('loads six competitions whose manifests validate, with no problems', async () => {
    const p = await loadPlugin({ name: 'mini', dir: MINI_PLUGIN_DIR, origin: 'path' });
    expect(p.problems).toEqual([]);
    expect(p.competitions.map((c) => c.manifest.id).sort()).toEqual([...MINI_IDS].sort());
    for (const c of p.competitions) {
      expect(ManifestSchema.safeParse(c.manifest).success).toBe(true);
      expect(c.manifest.grader.kind).toBe('code');
      expect(typeof c.code.grade).toBe('function');
      expect(typeof c.code.prepare).toBe('function');
      expect(c.manifest.split.method).toBe('builtin');
      expect(c.manifest.split.stratify).toBe(
        c.manifest.data.task === 'regression' ? null : c.manifest.split.label[0],
      );
    }
  });

  it('is discovered under plugins/ with the suites "mini" and "mini-easy"', async () => {
    const reg = await loadRegistry({ pluginsDir: join(MINI_PLUGIN_DIR, '..'), suitesDir: false });
    expect(reg.problems.filter((p) => p.plugin === 'mini')).toEqual([]);
    expect(expandSuite('mini', reg.suites).ids).toEqual([...MINI_SUITE]);
    expect([...MINI_SUITE, ...expandSuite('mini-easy', reg.suites).ids].sort()).toEqual([...MINI_IDS].sort());
  });

  it('grades through the plugin API, checks data against checksums.yaml, and prints a prepare command', async () => {
    const p = await loadPlugin({ name: 'mini', dir: MINI_PLUGIN_DIR, origin: 'path' });
    for (const loaded of p.competitions) {
      const c = createCompetition(loaded, { dataDir: SHARED_DATA });
      const sample = await c.grade(c.paths.sampleSubmission);
      expect(sample.valid, `${c.id}: ${sample.error}`).toBe(true);
      expect(Number.isFinite(sample.score)).toBe(true);
      const status = await checkData(c);
      expect(status.state, `${c.id}: ${status.detail}`).toBe('ok');
      expect(prepareCommand(c, false)).toMatch(
        new RegExp(
          `^node .*plugins/mini/${c.id}/\\.\\./bin/mini-prepare\\.mjs ${c.id} --data ${SHARED_DATA.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
        ),
      );
      const bad = join(SHARED_DATA, `${c.id}-bad.csv`);
      writeFileSync(bad, 'id\n1\n');
      const invalid = await c.grade(bad);
      expect(invalid.valid).toBe(false);
      expect(invalid.error).toBeTruthy();
    }
  });
});
