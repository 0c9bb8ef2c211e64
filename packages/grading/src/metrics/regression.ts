import { MetricError } from '../errors.js';
import { npMean, npSum } from '../npmath.js';

function requireFinite(a: ArrayLike<number>, side: string): void {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (!Number.isFinite(x))
      throw new MetricError(
        `${side} contains ${Number.isNaN(x) ? 'NaN (an empty or non-numeric value)' : 'infinity'} (scikit-learn refuses it)`,
      );
  }
}

function requireSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length)
    throw new MetricError(
      `found input variables with inconsistent numbers of samples: [${a.length}, ${b.length}]`,
    );
  if (a.length === 0)
    throw new MetricError('found an array with 0 samples (scikit-learn needs at least one)');
}

/** scikit-learn `root_mean_squared_error`: √(pairwise mean of squared differences). */
export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  requireSameLength(yTrue, yPred);
  requireFinite(yTrue, 'the answers');
  requireFinite(yPred, 'the submission');
  const sq = new Float64Array(yTrue.length);
  for (let i = 0; i < sq.length; i++) {
    const d = yTrue[i]! - yPred[i]!;
    sq[i] = d * d;
  }
  return Math.sqrt(npSum(sq) / sq.length);
}

/** scikit-learn `mean_absolute_error`. */
export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  requireSameLength(yTrue, yPred);
  requireFinite(yTrue, 'the answers');
  requireFinite(yPred, 'the submission');
  const ab = new Float64Array(yTrue.length);
  for (let i = 0; i < ab.length; i++) ab[i] = Math.abs(yPred[i]! - yTrue[i]!);
  return npSum(ab) / ab.length;
}

/**
 * scikit-learn `root_mean_squared_log_error` as current releases define it: values ≤ −1 are
 * refused (1.5/1.6 refused any negative value; docs/mlebench-grading.md §Metrics RMSLE follows the newer rule).
 */
export function rmsle(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  requireSameLength(yTrue, yPred);
  requireFinite(yTrue, 'the answers');
  requireFinite(yPred, 'the submission');
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i]! <= -1 || yPred[i]! <= -1)
      throw new MetricError(
        `Root Mean Squared Logarithmic Error cannot be used when targets contain values less than or equal to -1 (row ${i + 1} of the aligned data: ${yPred[i]! <= -1 ? yPred[i] : yTrue[i]})`,
      );
  }
  const a = new Float64Array(yTrue.length),
    b = new Float64Array(yTrue.length);
  for (let i = 0; i < a.length; i++) {
    a[i] = Math.log1p(yTrue[i]!);
    b[i] = Math.log1p(yPred[i]!);
  }
  return rmse(a, b);
}

/**
 * scipy `pearsonr(x, y)[0]`: centred vectors normalised, dot product, clipped to [−1, 1]; NaN for
 * a constant input (scipy warns and returns nan); fewer than 2 samples raise.
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n) throw new MetricError(`x and y must have the same length (${n} vs ${y.length})`);
  if (n < 2) throw new MetricError('x and y must have length at least 2');
  const xm = npMean(x),
    ym = npMean(y);
  const dx = new Float64Array(n),
    dy = new Float64Array(n);
  let constX = true,
    constY = true;
  for (let i = 0; i < n; i++) {
    dx[i] = x[i]! - xm;
    dy[i] = y[i]! - ym;
    if (x[i] !== x[0]) constX = false;
    if (y[i] !== y[0]) constY = false;
  }
  if (constX || constY) return NaN;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) sq[i] = dx[i]! * dx[i]!;
  const nx = Math.sqrt(npSum(sq));
  for (let i = 0; i < n; i++) sq[i] = dy[i]! * dy[i]!;
  const ny = Math.sqrt(npSum(sq));
  for (let i = 0; i < n; i++) sq[i] = (dx[i]! / nx) * (dy[i]! / ny);
  const r = npSum(sq);
  return Math.max(Math.min(r, 1), -1);
}
