import { describe, expect, it } from 'vitest';
import { drawByRank, rankProbabilities } from './selection.js';
import { rngFor } from './rng.js';

/** Pearson's chi-square statistic of observed counts against expected probabilities. */
function chiSquare(counts: number[], probs: number[], total: number): number {
  return counts.reduce((s, c, i) => s + (c - probs[i]! * total) ** 2 / (probs[i]! * total), 0);
}

// Upper 0.1% points of the chi-square distribution (df = 5 and df = 9).
const CHI2_999 = { 5: 20.515, 9: 27.877 };

describe('rank selection (docs/paper.md §Search)', () => {
  it('matches the paper-derived shares for N = 10, T = 0.2 (45%, 27%, 15% for the top three)', () => {
    const p = rankProbabilities(10, 0.2);
    expect(p[0]).toBeCloseTo(0.45, 2);
    expect(p[1]).toBeCloseTo(0.266, 2);
    expect(p[2]).toBeCloseTo(0.148, 2);
    const p50 = rankProbabilities(50, 0.2);
    expect(p50[0]).toBeCloseTo(0.11, 2);
    expect(p50.slice(0, 5).reduce((a, b) => a + b, 0)).toBeCloseTo(0.47, 2);
  });

  it('draws ranks with frequencies matching (N − r + 1)^(1/T) (chi-square, 40 000 draws)', () => {
    const N = 10;
    const T = 0.2;
    const ranked = Array.from({ length: N }, (_, i) => i); // index 0 = rank 1
    const counts = new Array<number>(N).fill(0);
    const rng = rngFor(7, 'chi-square');
    const draws = 40_000;
    for (let i = 0; i < draws; i++) counts[drawByRank(ranked, T, rng)[0]!]!++;
    // Expected from the formula written out here, independently of rankProbabilities.
    const w = ranked.map((i) => (N - (i + 1) + 1) ** (1 / T));
    const total = w.reduce((a, b) => a + b, 0);
    const expected = w.map((x) => x / total);
    // Ranks 8–10 expect under 5 draws per mille; pool them so the chi-square approximation holds.
    const pooledCounts = [...counts.slice(0, 5), counts.slice(5).reduce((a, b) => a + b, 0)];
    const pooledExp = [...expected.slice(0, 5), expected.slice(5).reduce((a, b) => a + b, 0)];
    expect(chiSquare(pooledCounts, pooledExp, draws)).toBeLessThan(CHI2_999[5]);
    expect(counts[0]! / draws).toBeCloseTo(expected[0]!, 1);
  });

  it('a uniform temperature (T large) flattens the draw and is also matched', () => {
    const N = 10;
    const counts = new Array<number>(N).fill(0);
    const rng = rngFor(3, 'flat');
    const draws = 20_000;
    for (let i = 0; i < draws; i++) counts[drawByRank([...Array(N).keys()], 1e9, rng)[0]!]!++;
    expect(chiSquare(counts, new Array(N).fill(1 / N), draws)).toBeLessThan(CHI2_999[9]);
  });

  it('fails the test when the weights are wrong (the statistic detects rank^1 instead of rank^5)', () => {
    const N = 10;
    const counts = new Array<number>(N).fill(0);
    const rng = rngFor(11, 'wrong');
    const draws = 20_000;
    for (let i = 0; i < draws; i++) counts[drawByRank([...Array(N).keys()], 1, rng)[0]!]!++;
    const pooledCounts = [...counts.slice(0, 5), counts.slice(5).reduce((a, b) => a + b, 0)];
    const p = rankProbabilities(N, 0.2);
    const pooledExp = [...p.slice(0, 5), p.slice(5).reduce((a, b) => a + b, 0)];
    expect(chiSquare(pooledCounts, pooledExp, draws)).toBeGreaterThan(1000);
  });

  it('draws two different parents for a crossover', () => {
    const rng = rngFor(1, 'two');
    for (let i = 0; i < 1000; i++) {
      const [a, b] = drawByRank(['x', 'y', 'z'], 0.2, rng, 2);
      expect(a).not.toBe(b);
    }
  });

  it('is reproducible from its seed and key', () => {
    const a = Array.from({ length: 5 }, (_, i) => rngFor(5, 'k', i).next());
    const b = Array.from({ length: 5 }, (_, i) => rngFor(5, 'k', i).next());
    expect(a).toEqual(b);
    expect(rngFor(5, 'k', 0).next()).not.toBe(rngFor(6, 'k', 0).next());
  });
});
