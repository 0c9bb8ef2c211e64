import { MetricError } from '../errors.js';
import { npMean, npSum } from '../npmath.js';

/**
 * scikit-learn `roc_auc_score` for a binary target, computed the way it does: the ROC curve at
 * every distinct score (ties share one point, i.e. count ½ as in Mann–Whitney), collinear points
 * dropped (`drop_intermediate=True`), then the trapezoid rule summed pairwise as numpy does.
 * `positive[i]` says whether row i has the larger of the two labels. Scores must be finite.
 */
export function rocAuc(positive: Uint8Array, scores: ArrayLike<number>): number {
  const n = positive.length;
  if (scores.length !== n)
    throw new MetricError(
      `found input variables with inconsistent numbers of samples: [${n}, ${scores.length}]`,
    );
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += positive[i]!;
  if (nPos === 0 || nPos === n)
    throw new MetricError('Only one class present in y_true. ROC AUC score is not defined in that case.');
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(n - nPos);
  let a = 0,
    b = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (!Number.isFinite(s))
      throw new MetricError(
        `scores must be finite numbers; found ${s} (scikit-learn: Input contains ${Number.isNaN(s) ? 'NaN' : 'infinity'})`,
      );
    if (positive[i]) pos[a++] = s;
    else neg[b++] = s;
  }
  pos.sort();
  neg.sort();
  // Walk distinct thresholds from the highest score down, accumulating true/false positives.
  const tps: number[] = [];
  const fps: number[] = [];
  let i = pos.length - 1,
    j = neg.length - 1;
  let tp = 0,
    fp = 0;
  while (i >= 0 || j >= 0) {
    const t = i < 0 ? neg[j]! : j < 0 ? pos[i]! : Math.max(pos[i]!, neg[j]!);
    while (i >= 0 && pos[i] === t) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === t) {
      fp++;
      j--;
    }
    tps.push(tp);
    fps.push(fp);
  }
  // drop_intermediate: keep the ends and every point where the curve bends.
  let keepT: number[] = tps,
    keepF: number[] = fps;
  if (tps.length > 2) {
    keepT = [tps[0]!];
    keepF = [fps[0]!];
    for (let k = 1; k < tps.length - 1; k++) {
      const d2f = fps[k + 1]! - 2 * fps[k]! + fps[k - 1]!;
      const d2t = tps[k + 1]! - 2 * tps[k]! + tps[k - 1]!;
      if (d2f !== 0 || d2t !== 0) {
        keepT.push(tps[k]!);
        keepF.push(fps[k]!);
      }
    }
    keepT.push(tps[tps.length - 1]!);
    keepF.push(fps[fps.length - 1]!);
  }
  const m = keepT.length + 1;
  const fpr = new Float64Array(m);
  const tpr = new Float64Array(m);
  const fLast = keepF[keepF.length - 1]!,
    tLast = keepT[keepT.length - 1]!;
  for (let k = 1; k < m; k++) {
    fpr[k] = keepF[k - 1]! / fLast;
    tpr[k] = keepT[k - 1]! / tLast;
  }
  return trapezoid(tpr, fpr);
}

/** `np.trapz(y, x)` = add.reduce(diff(x) * (y[1:] + y[:-1]) / 2.0). */
export function trapezoid(y: Float64Array, x: Float64Array): number {
  const terms = new Float64Array(x.length - 1);
  for (let k = 0; k < terms.length; k++) terms[k] = ((x[k + 1]! - x[k]!) * (y[k + 1]! + y[k]!)) / 2.0;
  return npSum(terms);
}

/** Column-wise ROC AUC averaged without weights (scikit-learn average="macro"). */
export function macroAuc(truthColumns: Uint8Array[], scoreColumns: ArrayLike<number>[]): number {
  const aucs = new Float64Array(scoreColumns.length);
  for (let c = 0; c < scoreColumns.length; c++) aucs[c] = rocAuc(truthColumns[c]!, scoreColumns[c]!);
  return npMean(aucs);
}
