import { npSum } from '../npmath.js';
import { checkClassification, confusion, type Labels } from './labels.js';

/**
 * scikit-learn `cohen_kappa_score(y1, y2, weights="quadratic")`: w_ij = (i − j)² where i, j index
 * the sorted union of labels actually present (not the label values), E = outer(col sums, row
 * sums) / N, κ = 1 − Σ w·O / Σ w·E (docs/mlebench-grading.md §Metrics, QWK).
 */
export function quadraticWeightedKappa(y1: Labels, y2: Labels): number {
  checkClassification(y2, y1);
  const { labels, counts } = confusion(y1, y2);
  const k = labels.length;
  const sum0 = new Float64Array(k); // column sums
  const sum1 = new Float64Array(k); // row sums
  let total = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = counts[i * k + j]!;
      sum0[j] += c;
      sum1[i] += c;
      total += c;
    }
  }
  let num = 0; // integer-valued: Σ w·O is exact
  const wE = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = (j - i) * (j - i);
      num += w * counts[i * k + j]!;
      wE[i * k + j] = w * ((sum0[i]! * sum1[j]!) / total);
    }
  }
  return 1 - num / npSum(wE);
}

/** scikit-learn `matthews_corrcoef` (multiclass form; 0 when a marginal is constant). */
export function matthewsCorrcoef(yTrue: Labels, yPred: Labels): number {
  checkClassification(yTrue, yPred);
  const { labels, counts } = confusion(yTrue, yPred);
  const k = labels.length;
  const tSum = new Float64Array(k);
  const pSum = new Float64Array(k);
  let nCorrect = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = counts[i * k + j]!;
      tSum[i] += c;
      pSum[j] += c;
      if (i === j) nCorrect += c;
    }
  }
  let nSamples = 0,
    dotTP = 0,
    dotPP = 0,
    dotTT = 0;
  for (let i = 0; i < k; i++) {
    nSamples += pSum[i]!;
    dotTP += tSum[i]! * pSum[i]!;
    dotPP += pSum[i]! * pSum[i]!;
    dotTT += tSum[i]! * tSum[i]!;
  }
  const covYtYp = nCorrect * nSamples - dotTP;
  const covYpYp = nSamples * nSamples - dotPP;
  const covYtYt = nSamples * nSamples - dotTT;
  if (covYpYp * covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}

/** F1 from pooled counts as current scikit-learn computes it: 2·TP / (|true| + |pred|), 0 when both are 0. */
export function f1FromCounts(tp: number, trueCount: number, predCount: number): number {
  const denom = trueCount + predCount;
  return denom === 0 ? 0 : (2 * tp) / denom;
}

/**
 * Micro-averaged F1 over label sets (MultiLabelBinarizer with the answers' vocabulary: predicted
 * labels outside it are ignored, repeats count once).
 */
export function microF1Sets(
  truth: readonly (readonly string[])[],
  pred: readonly (readonly string[])[],
  vocabulary: ReadonlySet<string>,
): number {
  let tp = 0,
    trueCount = 0,
    predCount = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = new Set(truth[i]);
    const p = new Set(pred[i]!.filter((x) => vocabulary.has(x)));
    trueCount += t.size;
    predCount += p.size;
    for (const x of p) if (t.has(x)) tp++;
  }
  return f1FromCounts(tp, trueCount, predCount);
}

/** Micro F1 for single-label classes: every label counts, so it equals accuracy. */
export function microF1Labels(yTrue: Labels, yPred: Labels): number {
  checkClassification(yTrue, yPred);
  const n = yTrue.values.length;
  let hits = 0;
  for (let i = 0; i < n; i++) if (yTrue.values[i] === yPred.values[i]) hits++;
  return f1FromCounts(hits, n, n);
}
