import { alignById, ansCol, gather, numericSub, subCol } from '../align.js';
import type { Column, Table } from '../csv/table.js';
import { AnswersError, InvalidSubmission, MetricError, rowNo, show } from '../errors.js';
import { rocAuc } from '../metrics/auc.js';
import { accuracy, labelsOf } from '../metrics/labels.js';

/**
 * Which aligned answer rows hold the positive (larger) label of a binary target, as
 * scikit-learn's `label_binarize(y_true, classes=np.unique(y_true))[:, 0]` picks it.
 */
export function binaryTruth(col: Column, rows: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(rows.length);
  if (col.kind === 'object') {
    const s = col.strings();
    const uniq = [...new Set(Array.from(rows, (r) => s[r]))];
    if (uniq.some((x) => x === null))
      throw new AnswersError(`${col.table.source}: answers "${col.name}" has empty values`);
    if (uniq.length > 2)
      throw new MetricError(
        `the answers' "${col.name}" has ${uniq.length} classes; a binary ROC AUC needs 2`,
      );
    const top = (uniq as string[]).sort().at(-1);
    for (let j = 0; j < rows.length; j++) out[j] = s[rows[j]!] === top ? 1 : 0;
    return out;
  }
  const v = col.numbers();
  const uniq = new Set<number>();
  for (let j = 0; j < rows.length; j++) uniq.add(v[rows[j]!]!);
  if ([...uniq].some((x) => Number.isNaN(x)))
    throw new AnswersError(`${col.table.source}: answers "${col.name}" has empty values`);
  if (uniq.size > 2) {
    const nonInt = [...uniq].find((x) => x !== Math.trunc(x));
    throw new MetricError(
      nonInt !== undefined
        ? `the answers' "${col.name}" is continuous (e.g. ${nonInt}); ROC AUC needs binary labels`
        : `the answers' "${col.name}" has ${uniq.size} classes; a binary ROC AUC needs 2`,
    );
  }
  const top = Math.max(...uniq);
  for (let j = 0; j < rows.length; j++) out[j] = v[rows[j]!] === top ? 1 : 0;
  return out;
}

/** Submission scores as numbers (bools count 0/1), or InvalidSubmission naming the bad row. */
export function scoresOf(col: Column, rows: ArrayLike<number>): Float64Array {
  return gather(numericSub(col), rows);
}

/**
 * MLE-bench `prepare_for_auroc_metric` + scikit-learn `roc_auc_score` (docs/mlebench-grading.md §Metrics
 * ROC AUC): id and target columns, same row count, numeric target within [0, 1], ids equal after
 * sorting; then the Mann–Whitney AUC with ties counted ½.
 */
export function aurocById(sub: Table, ans: Table, idCol: string, targetCol: string): number {
  ansCol(ans, idCol);
  const truthCol = ansCol(ans, targetCol);
  subCol(sub, idCol);
  const sc = subCol(sub, targetCol);
  if (sub.rowCount !== ans.rowCount)
    throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
  const values = numericSub(sc);
  requireProbabilities(values, sc);
  const { ansRows, subRows } = alignById(sub, ans, idCol, undefined, 'any');
  return rocAuc(binaryTruth(truthCol, ansRows), gather(values, subRows));
}

/** Probabilities in [0, 1] (NaN is skipped here as pandas' min/max skip it; scikit-learn rejects it later). */
export function requireProbabilities(values: ArrayLike<number>, col: Column): void {
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x < 0 || x > 1)
      throw new InvalidSubmission(
        `submission "${col.name}" must hold probabilities in [0, 1]: row ${rowNo(i)} holds ${show(col.text(i))}`,
      );
  }
}

/**
 * MLE-bench `prepare_for_accuracy_metric` + `accuracy_score`: same row count, target and id
 * columns present, ids equal after sorting; exact label equality.
 */
export function accuracyById(sub: Table, ans: Table, idCol: string, targetCol: string): number {
  ansCol(ans, targetCol);
  ansCol(ans, idCol);
  if (sub.rowCount !== ans.rowCount)
    throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
  const sc = subCol(sub, targetCol);
  subCol(sub, idCol);
  const { ansRows, subRows } = alignById(sub, ans, idCol, undefined, 'any');
  return accuracy(labelsOf(ans.get(targetCol)!, ansRows, 'the answers'), labelsOf(sc, subRows, 'submission'));
}

/** `Series.astype(str)` of a column at the given rows. */
export function pyStrings(col: Column, rows: ArrayLike<number>): string[] {
  const out = new Array<string>(rows.length);
  for (let j = 0; j < rows.length; j++) out[j] = col.pyStr(rows[j]!);
  return out;
}
