import { InvalidSubmission, MetricError, type Column, type Table } from '@aira/grading';

/**
 * The four metric primitives the mini graders need, with the semantics @aira/grading implements
 * for MLE-bench (docs/mlebench-grading.md §Metrics). They live here only because @aira/grading's index
 * exports graders by MLE-bench competition id, not its metric functions; when it does, these
 * should become re-exports. graders.test.ts checks them against tools/make-leaderboards.py
 * (numpy / scikit-learn) on each competition's trivial baseline.
 */

/** Float64 machine epsilon: current scikit-learn clips log-loss inputs to [eps, 1 − eps]. */
export const FLOAT64_EPS = 2.220446049250313e-16;

export interface Pairing {
  /** Answer rows in ascending id order (MLE-bench graders sort both sides by id). */
  ans: number[];
  /** The submission row holding the same id, for each entry of `ans`. */
  sub: number[];
}

const byKey = (a: number | string, b: number | string) =>
  typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === 'number' ? -1 : 1;

/**
 * "Sort both by id and require equal id columns": equal row counts and the same multiset of ids
 * (numbers compare numerically, as pandas parsed them). Names the first offending row.
 */
export function pairById(sub: Table, ans: Table, id: string): Pairing {
  const sc = sub.get(id);
  if (!sc) throw new InvalidSubmission(`submission is missing the "${id}" column`);
  const ac = ans.get(id);
  if (!ac) throw new MetricError(`${ans.source}: answers lack the "${id}" column`);
  if (sub.rowCount !== ans.rowCount)
    throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
  const answerIds = new Set<number | string>();
  for (let i = 0; i < ans.rowCount; i++) answerIds.add(ac.key(i));
  const where = new Map<number | string, number>();
  for (let i = 0; i < sub.rowCount; i++) {
    const k = sc.key(i);
    if (typeof k === 'number' && Number.isNaN(k))
      throw new InvalidSubmission(`submission "${id}" is empty on row ${i + 1}`);
    if (!answerIds.has(k))
      throw new InvalidSubmission(
        `submission "${id}" ${sc.text(i)} on row ${i + 1} is not among the ids to predict`,
      );
    if (where.has(k))
      throw new InvalidSubmission(
        `submission "${id}" ${sc.text(i)} appears more than once (again on row ${i + 1})`,
      );
    where.set(k, i);
  }
  // Equal counts, no duplicates and no foreign id: the id sets are equal, so every answer row pairs.
  const order = Array.from({ length: ans.rowCount }, (_, i) => i).sort(
    (a, b) => byKey(ac.key(a), ac.key(b)) || a - b,
  );
  return { ans: order, sub: order.map((i) => where.get(ac.key(i))!) };
}

/** A column's numbers at the given rows; InvalidSubmission naming the first non-number or empty cell. */
export function numbersAt(
  col: Column,
  rows: readonly number[],
  side: 'submission' | 'answers',
): Float64Array {
  const r = col.toNumeric();
  if (!r.ok)
    throw new InvalidSubmission(
      `${side} "${col.name}" must be numeric: row ${r.row + 1} holds ${JSON.stringify(r.value)}`,
    );
  const out = new Float64Array(rows.length);
  rows.forEach((row, k) => {
    const v = r.values[row]!;
    if (!Number.isFinite(v))
      throw new MetricError(
        `${side} "${col.name}" on row ${row + 1} is empty or not finite (scikit-learn refuses NaN and infinity)`,
      );
    out[k] = v;
  });
  return out;
}

/** scikit-learn `accuracy_score`: labels compared as numbers when both columns are numeric, else as text. */
export function accuracy(
  truth: Column,
  tRows: readonly number[],
  pred: Column,
  pRows: readonly number[],
): number {
  const numeric = truth.kind !== 'object' && pred.kind !== 'object';
  if (!numeric && truth.kind !== pred.kind) {
    const ok = pred.toNumeric();
    if (ok.ok)
      throw new MetricError(
        `labels mix types: answers "${truth.name}" are ${truth.kind}, the submission's are ${pred.kind}`,
      );
    throw new InvalidSubmission(
      `submission "${pred.name}" must hold labels like the answers; row ${ok.row + 1} holds ${JSON.stringify(ok.value)}`,
    );
  }
  const t = numeric ? numbersAt(truth, tRows, 'answers') : null;
  const p = numeric ? numbersAt(pred, pRows, 'submission') : null;
  let hits = 0;
  for (let k = 0; k < tRows.length; k++) {
    if (numeric ? t![k] === p![k] : truth.text(tRows[k]!) === pred.text(pRows[k]!)) hits++;
  }
  return hits / tRows.length;
}

/**
 * scikit-learn `roc_auc_score` for a binary target: the Mann–Whitney statistic, tied scores
 * counting ½ (the area under the ROC curve through every distinct score).
 */
export function rocAuc(positive: Uint8Array, scores: Float64Array): number {
  const n = positive.length;
  let nPos = 0;
  for (const v of positive) nPos += v;
  if (nPos === 0 || nPos === n)
    throw new MetricError('Only one class present in y_true. ROC AUC score is not defined in that case.');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const meanRank = (i + j) / 2 + 1; // ties share the average 1-based rank
    for (let k = i; k <= j; k++) if (positive[order[k]!]) rankSumPos += meanRank;
    i = j + 1;
  }
  const nNeg = n - nPos;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * scikit-learn `log_loss` (≥ 1.5) on one-hot truth: probabilities clipped to [eps, 1 − eps], no
 * renormalisation, mean over rows of −ln p(true class). `probs` is row-major n × k.
 */
export function logLoss(trueClass: Int32Array, probs: Float64Array, k: number): number {
  let sum = 0;
  for (let r = 0; r < trueClass.length; r++) {
    const p = Math.min(Math.max(probs[r * k + trueClass[r]!]!, FLOAT64_EPS), 1 - FLOAT64_EPS);
    sum -= Math.log(p);
  }
  return sum / trueClass.length;
}

/** scikit-learn `root_mean_squared_error`. */
export function rmse(truth: Float64Array, pred: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += (truth[i]! - pred[i]!) ** 2;
  return Math.sqrt(sum / truth.length);
}
