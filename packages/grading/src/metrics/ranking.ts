import { MetricError } from '../errors.js';
import { npMean } from '../npmath.js';

/**
 * MLE-bench `average_precision_at_k`: truncate the ranked list to k; a hit at position i (1-based)
 * adds hits-so-far / i unless the label already appeared earlier in the list; divide by
 * min(|truth|, k); an empty truth scores 0 (reference/mlebench.md §4, MAP@k).
 */
export function averagePrecisionAtK(actual: ReadonlySet<string>, predicted: readonly string[], k: number): number {
  const top = predicted.length > k ? predicted.slice(0, k) : predicted;
  let score = 0;
  let hits = 0;
  const seen = new Set<string>();
  for (let i = 0; i < top.length; i++) {
    const p = top[i]!;
    if (actual.has(p) && !seen.has(p)) {
      hits += 1;
      score += hits / (i + 1);
    }
    seen.add(p);
  }
  if (actual.size === 0) return 0;
  return score / Math.min(actual.size, k);
}

/** Mean of AP@k over rows paired by position (zip: the shorter list decides). */
export function meanAveragePrecisionAtK(actual: readonly ReadonlySet<string>[], predicted: readonly (readonly string[])[], k: number): number {
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
    const t = truth[r]!, s = scores[r]!;
    const relevant: number[] = [];
    for (let j = 0; j < t.length; j++) if (t[j]) relevant.push(j);
    if (relevant.length === 0) continue;
    for (let j = 0; j < s.length; j++) if (!Number.isFinite(s[j]!)) throw new MetricError(`scores contain ${s[j]} (scikit-learn: Input contains NaN or infinity)`);
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
