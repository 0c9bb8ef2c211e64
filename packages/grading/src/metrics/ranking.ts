import { MetricError } from '../errors.js';
import { npMean } from '../npmath.js';

/**
 * MLE-bench `average_precision_at_k`: truncate the ranked list to k; a hit at position i (1-based)
 * adds hits-so-far / i unless the label already appeared earlier in the list; divide by
 * min(|truth|, k); an empty truth scores 0 (docs/mlebench-grading.md §Metrics, MAP@k).
 */
export function averagePrecisionAtK(
  actual: ReadonlySet<string> | readonly string[],
  predicted: readonly string[],
  k: number,
): number {
  const size = Array.isArray(actual) ? actual.length : (actual as ReadonlySet<string>).size;
  const has = Array.isArray(actual)
    ? (x: string) => actual.includes(x)
    : (x: string) => (actual as ReadonlySet<string>).has(x);
  const n = Math.min(predicted.length, k);
  let score = 0;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const p = predicted[i]!;
    // A repeated label counts only at its first position (p not in predicted[:i]).
    if (has(p) && predicted.indexOf(p) === i) {
      hits += 1;
      score += hits / (i + 1);
    }
  }
  if (size === 0) return 0;
  return score / Math.min(size, k);
}

/**
 * {@link averagePrecisionAtK} on token ids (see tokens.ts): the truth is ids[ts, te) (repeats
 * count once), the ranked list pred[ps, pe) already truncated to k; an id of −1 is never a hit.
 */
export function averagePrecisionAtKIds(
  ids: Int32Array,
  ts: number,
  te: number,
  pred: Int32Array,
  ps: number,
  pe: number,
  k: number,
): number {
  let size = 0;
  for (let a = ts; a < te; a++) {
    let seen = false;
    for (let b = ts; b < a; b++)
      if (ids[b] === ids[a]) {
        seen = true;
        break;
      }
    if (!seen) size++;
  }
  let score = 0;
  let hits = 0;
  for (let i = 0; i < pe - ps; i++) {
    const p = pred[ps + i]!;
    if (p < 0) continue;
    let has = false;
    for (let a = ts; a < te; a++)
      if (ids[a] === p) {
        has = true;
        break;
      }
    if (!has) continue;
    let earlier = false;
    for (let j = ps; j < ps + i; j++)
      if (pred[j] === p) {
        earlier = true;
        break;
      }
    if (earlier) continue;
    hits += 1;
    score += hits / (i + 1);
  }
  if (size === 0) return 0;
  return score / Math.min(size, k);
}

/** Distinct values in first-seen order (a Python set's size and membership; small lists stay arrays). */
export function distinct(values: readonly string[]): readonly string[] | ReadonlySet<string> {
  if (values.length > 16) return new Set(values);
  const out: string[] = [];
  for (const v of values) if (!out.includes(v)) out.push(v);
  return out;
}

/** Mean of AP@k over rows paired by position (zip: the shorter list decides). */
export function meanAveragePrecisionAtK(
  actual: readonly (ReadonlySet<string> | readonly string[])[],
  predicted: readonly (readonly string[])[],
  k: number,
): number {
  const n = Math.min(actual.length, predicted.length);
  const aps = new Float64Array(n);
  for (let i = 0; i < n; i++) aps[i] = averagePrecisionAtK(actual[i]!, predicted[i]!, k);
  return npMean(aps);
}

/**
 * Label-weighted label-ranking average precision (freesound's lwlrap via scikit-learn
 * `label_ranking_average_precision_score` with sample_weight = number of true labels; rows with
 * no true label are skipped, rows where every label is true score 1).
 */
export function lwlrap(truth: Uint8Array[], scores: Float64Array[]): number {
  let out = 0;
  let weightSum = 0;
  for (let r = 0; r < truth.length; r++) {
    const t = truth[r]!,
      s = scores[r]!;
    const relevant: number[] = [];
    for (let j = 0; j < t.length; j++) if (t[j]) relevant.push(j);
    if (relevant.length === 0) continue;
    for (let j = 0; j < s.length; j++)
      if (!Number.isFinite(s[j]!))
        throw new MetricError(`scores contain ${s[j]} (scikit-learn: Input contains NaN or infinity)`);
    let aux: number;
    if (relevant.length === t.length) aux = 1;
    else {
      // rank_j = #labels scoring ≥ s_j; L_j = #relevant labels scoring ≥ s_j ("max" ranks of −scores).
      const ratios = new Float64Array(relevant.length);
      relevant.forEach((j, idx) => {
        const sj = s[j]!;
        let rank = 0;
        for (let q = 0; q < s.length; q++) if (s[q]! >= sj) rank++;
        let l = 0;
        for (const q of relevant) if (s[q]! >= sj) l++;
        ratios[idx] = l / rank;
      });
      aux = npMean(ratios);
    }
    out += aux * relevant.length;
    weightSum += relevant.length;
  }
  if (weightSum === 0) return NaN;
  return out / weightSum;
}
