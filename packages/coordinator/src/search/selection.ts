import type { Rng } from './rng.js';

/**
 * Rank-based, temperature-scaled parent selection (docs/paper.md §Selection): rank the
 * population by fitness, r = 1 the best, N its size; candidate r is drawn with probability
 * proportional to (N − r + 1)^(1/T). Ranks, not fitness values, so the scale of a task's metric
 * does not matter.
 */
export function rankWeights(n: number, temperature: number): number[] {
  const weights: number[] = [];
  for (let r = 1; r <= n; r++) weights.push((n - r + 1) ** (1 / temperature));
  return weights;
}

/** Probabilities of each rank (index 0 = rank 1). */
export function rankProbabilities(n: number, temperature: number): number[] {
  const w = rankWeights(n, temperature);
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}

/** Index drawn from unnormalised weights. */
export function drawIndex(weights: readonly number[], rng: Rng): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let u = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/**
 * Draws `count` distinct items from a list ranked best first. The second parent of a crossover is
 * drawn from the rest with the same weights renormalised (two different parents).
 */
export function drawByRank<T>(ranked: readonly T[], temperature: number, rng: Rng, count = 1): T[] {
  const weights = rankWeights(ranked.length, temperature);
  const pool = ranked.map((item, i) => ({ item, w: weights[i]! }));
  const out: T[] = [];
  while (out.length < count && pool.length > 0) {
    const i = drawIndex(
      pool.map((p) => p.w),
      rng,
    );
    out.push(pool[i]!.item);
    pool.splice(i, 1);
  }
  return out;
}
