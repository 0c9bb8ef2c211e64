import { MetricError } from '../errors.js';
import { npSum, pairwiseSum } from '../npmath.js';

/** Machine epsilon of float64: current scikit-learn clips log-loss inputs to [eps, 1 − eps]. */
export const FLOAT64_EPS = 2.220446049250313e-16;

/**
 * scikit-learn `log_loss` (≥ 1.5): probabilities outside [0, 1] or non-finite raise; rows that do
 * not sum to 1 are used as given (only a warning, no renormalisation); predictions are clipped to
 * [eps, 1 − eps] with eps = 2.22e-16; loss = mean over rows of −Σ_c y_c·ln p_c
 * (reference/mlebench.md §4, Log loss). `truth` and `probs` are row-major n × k.
 */
export function logLoss(truth: Float64Array, probs: Float64Array, k: number): number {
  if (probs.length !== truth.length) throw new MetricError(`y_true and y_pred contain different numbers of values (${truth.length} vs ${probs.length})`);
  const rows = Uint32Array.from({ length: truth.length / k }, (_, i) => i);
  return logLossOfRows(truth, rows, probs, rows, k);
}

/**
 * {@link logLoss} of row-major n × k matrices paired row by row through `truthRows[i]` and
 * `probRows[i]` (i = 0 … n − 1, the order of summation), without gathering them first. Every row of
 * `probs` must be paired (the range checks read all of it).
 */
export function logLossOfRows(truth: Float64Array, truthRows: Uint32Array, probs: Float64Array, probRows: Uint32Array, k: number): number {
  const n = truthRows.length;
  if (probRows.length !== n || probs.length !== n * k) throw new MetricError(`y_true and y_pred contain different numbers of values (${n * k} vs ${probs.length})`);
  let max = -Infinity, min = Infinity;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    if (!Number.isFinite(p)) throw new MetricError(`predictions contain ${p} (scikit-learn: Input contains NaN or infinity)`);
    if (p > max) max = p;
    if (p < min) min = p;
  }
  if (max > 1) throw new MetricError(`y_prob contains values greater than 1: ${max}`);
  if (min < 0) throw new MetricError(`y_prob contains values lower than 0: ${min}`);
  const losses = new Float64Array(n);
  const row = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    // Fewer than 8 classes: numpy's pairwise sum is a plain left-to-right loop from 0, done inline.
    let sum = 0;
    const to = truthRows[r]! * k, po = probRows[r]! * k;
    for (let c = 0; c < k; c++) {
      const y = truth[to + c]!;
      const p = Math.min(Math.max(probs[po + c]!, FLOAT64_EPS), 1 - FLOAT64_EPS);
      const term = y === 0 ? 0 : y * Math.log(p); // scipy xlogy(0, p) = 0
      if (k < 8) sum += term;
      else row[c] = term;
    }
    losses[r] = -(k < 8 ? sum : pairwiseSum(row));
  }
  return npSum(losses) / n;
}

/** Binary log loss from one probability column: scikit-learn stacks [1 − p, p] against [1 − y, y]. */
export function binaryLogLoss(positive: Uint8Array, p: ArrayLike<number>): number {
  const n = positive.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += positive[i]!;
  if (nPos === 0 || nPos === n) throw new MetricError('y_true contains only one label; scikit-learn needs the labels passed explicitly');
  const truth = new Float64Array(2 * n), probs = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    truth[2 * i] = 1 - positive[i]!;
    truth[2 * i + 1] = positive[i]!;
    probs[2 * i] = 1 - p[i]!;
    probs[2 * i + 1] = p[i]!;
  }
  // Range checks apply to the single column as given (1 − p is in range when p is).
  for (let i = 0; i < n; i++) {
    const x = p[i]!;
    if (!Number.isFinite(x)) throw new MetricError(`predictions contain ${x} (scikit-learn: Input contains NaN or infinity)`);
  }
  return logLoss(truth, probs, 2);
}
