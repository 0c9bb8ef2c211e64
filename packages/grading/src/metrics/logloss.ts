import { MetricError } from '../errors.js';
import { npSum, pairwiseSum } from '../npmath.js';

/** Machine epsilon of float64: current scikit-learn clips log-loss inputs to [eps, 1 − eps]. */
export const FLOAT64_EPS = 2.220446049250313e-16;

/**
 * scikit-learn `log_loss` (≥ 1.5): probabilities outside [0, 1] or non-finite raise; rows that do
 * not sum to 1 are used as given (only a warning, no renormalisation); predictions are clipped to
 * [eps, 1 − eps] with eps = 2.22e-16; loss = mean over rows of −Σ_c y_c·ln p_c
 * (docs/mlebench-grading.md §Metrics, Log loss). `truth` and `probs` are row-major n × k.
 */
export function logLoss(truth: Float64Array, probs: Float64Array, k: number): number {
  if (probs.length !== truth.length)
    throw new MetricError(
      `y_true and y_pred contain different numbers of values (${truth.length} vs ${probs.length})`,
    );
  const n = truth.length / k;
  const columns = (m: Float64Array) =>
    Array.from({ length: k }, (_, c) => Float64Array.from({ length: n }, (_, r) => m[r * k + c]!));
  const rows = Uint32Array.from({ length: n }, (_, i) => i);
  return logLossOfColumns(columns(truth), rows, columns(probs), rows);
}

/**
 * {@link logLoss} of n × k matrices given as k columns, paired row by row through `truthRows[i]`
 * and `probRows[i]` (i = 0 … n − 1, the order of summation), without gathering them first. Every
 * row of `probs` must be paired (the range checks read all of it).
 */
export function logLossOfColumns(
  truth: Float64Array[],
  truthRows: Uint32Array,
  probs: Float64Array[],
  probRows: Uint32Array,
): number {
  const n = truthRows.length,
    k = truth.length;
  if (probRows.length !== n || probs.length !== k || probs.some((p) => p.length !== n))
    throw new MetricError(
      `y_true and y_pred contain different numbers of values (${n * k} vs ${probs.reduce((s, p) => s + p.length, 0)})`,
    );
  let max = -Infinity,
    min = Infinity;
  for (const column of probs)
    for (let i = 0; i < n; i++) {
      const p = column[i]!;
      if (!Number.isFinite(p))
        throw new MetricError(`predictions contain ${p} (scikit-learn: Input contains NaN or infinity)`);
      if (p > max) max = p;
      if (p < min) min = p;
    }
  if (max > 1) throw new MetricError(`y_prob contains values greater than 1: ${max}`);
  if (min < 0) throw new MetricError(`y_prob contains values lower than 0: ${min}`);
  const losses = new Float64Array(n);
  const classOf = oneHotClasses(truth);
  if (classOf) {
    // One-hot truth: every other term is xlogy(0, p) = 0, so a row's loss is exactly −ln p of its
    // class whatever the summation order. Losses are computed in the predictions' row order (one
    // sequential pass) and then listed in the pairing's order: the random reads and writes are of
    // one byte (a class) and one loss per row, not of the predictions' columns.
    const probClass = new Uint8Array(n).fill(255);
    for (let r = 0; r < n; r++) probClass[probRows[r]!] = classOf[truthRows[r]!]!;
    const lossOfProbRow = new Float64Array(n);
    for (let q = 0; q < n; q++) {
      const c = probClass[q]!;
      if (c === 255) throw new MetricError(`prediction row ${q} is paired with no truth row`);
      lossOfProbRow[q] = -Math.log(Math.min(Math.max(probs[c]![q]!, FLOAT64_EPS), 1 - FLOAT64_EPS));
    }
    for (let r = 0; r < n; r++) losses[r] = lossOfProbRow[probRows[r]!]!;
    return npSum(losses) / n;
  }
  const row = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    // Fewer than 8 classes: numpy's pairwise sum is a plain left-to-right loop from 0, done inline.
    let sum = 0;
    const t = truthRows[r]!,
      q = probRows[r]!;
    for (let c = 0; c < k; c++) {
      const y = truth[c]![t]!;
      const p = Math.min(Math.max(probs[c]![q]!, FLOAT64_EPS), 1 - FLOAT64_EPS);
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
  if (nPos === 0 || nPos === n)
    throw new MetricError('y_true contains only one label; scikit-learn needs the labels passed explicitly');
  const negative = Float64Array.from(positive, (y) => 1 - y),
    probs = Float64Array.from(p);
  // Range checks apply to the single column as given (1 − p is in range when p is).
  for (let i = 0; i < n; i++) {
    const x = probs[i]!;
    if (!Number.isFinite(x))
      throw new MetricError(`predictions contain ${x} (scikit-learn: Input contains NaN or infinity)`);
  }
  const rows = Uint32Array.from({ length: n }, (_, i) => i);
  return logLossOfColumns(
    [negative, Float64Array.from(positive)],
    rows,
    [probs.map((x) => 1 - x), probs],
    rows,
  );
}

/** Each row's class when every row of `truth` (k columns) is one 1 and k − 1 zeros; else null. */
function oneHotClasses(truth: Float64Array[]): Uint8Array | null {
  const k = truth.length;
  if (k > 255 || k === 0) return null; // 255 marks an unpaired row
  const rows = truth[0]!.length;
  const out = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    let hot = -1;
    for (let c = 0; c < k; c++) {
      const y = truth[c]![r]!;
      if (y === 1 && hot < 0) hot = c;
      else if (y !== 0) return null;
    }
    if (hot < 0) return null;
    out[r] = hot;
  }
  return out;
}
