import { describe, expect, it } from 'vitest';
import { npQuantile, npSum, pandasMedian, pairwiseSum } from './npmath.js';
import { pythonWithSklearn, rng, runPython } from './test-support/fixtures.js';

describe('numpy-order reductions', () => {
  it('sums small arrays left to right and larger ones pairwise', () => {
    // Below 8 elements numpy adds in order: ((((0 + 1e16) + 1) + 1) + -1e16) = 0 (each +1 is lost).
    expect(pairwiseSum([1e16, 1, 1, -1e16])).toBe(0);
    expect(npQuantile([0, 10, 20], 0.95)).toBe(19);
    expect(pandasMedian([3, Number.NaN, 1, 2, 10])).toBe(2.5);
  });

  it.skipIf(!pythonWithSklearn())('matches np.sum bit for bit, 8192-element blocks included', () => {
    const r = rng(5);
    const sizes = [7, 8, 127, 128, 129, 1000, 8192, 8193, 10_000, 100_000, 300_001];
    const arrays = sizes.map((n) => Array.from({ length: n }, () => (r() - 0.3) * 10 ** Math.floor(r() * 6)));
    const py = runPython<number[]>(
      'import json,sys,numpy as np; print(json.dumps([float(np.sum(np.array(a))) for a in json.load(sys.stdin)]))',
      arrays,
    );
    expect(arrays.map((a) => npSum(a))).toEqual(py);
  });
});
