import { describe, expect, it } from 'vitest';
import { CASES } from '../test-support/competitions.js';
import { grade } from '../test-support/fixtures.js';
import { GRADED_COMPETITIONS, metricFor } from './index.js';
import { mlebenchRegistryDir, registryEntries } from '../registry.js';

const registry = mlebenchRegistryDir();

describe('every graded competition', () => {
  it('is the 54 of MLE-bench-30 ∪ Lite ∪ dev, each with a fixture here', () => {
    expect(GRADED_COMPETITIONS).toHaveLength(54);
    expect(Object.keys(CASES).sort()).toEqual([...GRADED_COMPETITIONS]);
  });

  it.skipIf(registry === null)('matches the registry: Lite, MLE-bench-30 and dev ids', () => {
    const wanted = registryEntries(registry!)
      .filter((e) => e.lite || e.inMLEbench30 || e.complexity === 'dev')
      .map((e) => e.id)
      .sort();
    expect([...GRADED_COMPETITIONS]).toEqual(wanted);
  });

  for (const id of Object.keys(CASES).sort()) {
    const c = CASES[id]!;
    it(`${id}: perfect submission scores ${c.perfectScore}, a broken one is invalid with a reason`, () => {
      const ok = grade(id, c.perfect, c.answers);
      expect(ok.reason).toBeNull();
      expect(ok.valid).toBe(true);
      expect(ok.score).toBe(
        c.perfectScore === -Infinity
          ? -Infinity
          : c.perfectScore === 0
            ? 0
            : Math.round(c.perfectScore * 1e5) / 1e5,
      );
      const bad = grade(id, c.broken, c.answers);
      expect(bad.valid).toBe(false);
      expect(bad.score).toBeNull();
      expect(bad.reason).toMatch(c.brokenReason);
      expect(metricFor(id).metric.length).toBeGreaterThan(0);
    });
  }

  it('names an unknown competition in one line', () => {
    expect(() => metricFor('no-such-competition')).toThrow(/no grader for competition "no-such-competition"/);
  });
});
