import { describe, expect, it } from 'vitest';
import { npSum } from '../npmath.js';
import { rng } from '../test-support/fixtures.js';
import { FLOAT64_EPS, logLoss, logLossOfColumns } from './logloss.js';

describe('logLossOfColumns', () => {
  it('one-hot truth gives the bits of the general row sum, through any pairing of rows', () => {
    const r = rng(11);
    for (const k of [2, 3, 9]) {
      const n = 3000;
      const truth = new Float64Array(n * k),
        probs = new Float64Array(n * k);
      for (let i = 0; i < n; i++) {
        truth[i * k + Math.floor(r() * k)] = 1;
        let s = 0;
        for (let c = 0; c < k; c++) s += probs[i * k + c] = r() < 0.01 ? 0 : r();
        for (let c = 0; c < k; c++) probs[i * k + c] /= s;
      }
      const rows = Uint32Array.from({ length: n }, (_, i) => i);
      const perm = rows.slice().sort(() => r() - 0.5);
      const columns = (m: Float64Array) =>
        Array.from({ length: k }, (_, c) => Float64Array.from({ length: n }, (_, i) => m[i * k + c]!));
      const fast = logLossOfColumns(columns(truth), rows, columns(probs), perm);
      // Reference: the general formula in numpy's order (row sums left to right, np.sum of rows).
      const losses = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let sum = 0;
        const row: number[] = [];
        for (let c = 0; c < k; c++) {
          const y = truth[i * k + c]!;
          const p = Math.min(Math.max(probs[perm[i]! * k + c]!, FLOAT64_EPS), 1 - FLOAT64_EPS);
          row.push(y === 0 ? 0 : y * Math.log(p));
        }
        if (k < 8) for (const t of row) sum += t;
        else sum = npSum(row);
        losses[i] = -sum;
      }
      expect(fast).toBe(npSum(losses) / n);
      // Identity pairing through logLoss agrees with the permuted probabilities gathered first.
      const gathered = new Float64Array(n * k);
      for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) gathered[i * k + c] = probs[perm[i]! * k + c]!;
      expect(logLoss(truth, gathered, k)).toBe(fast);
    }
  });
});
