import { alignById, ansCol, numericAns, requireSameIdSet, subCol } from '../align.js';
import type { Table } from '../csv/table.js';
import { InvalidSubmission, MetricError, rowNo } from '../errors.js';
import { binaryLogLoss, logLossOfColumns } from '../metrics/logloss.js';
import { isClose } from '../npmath.js';
import { binaryTruth } from './common.js';
import { csvAnswers, type Grader } from './types.js';

/**
 * Row sums as pandas `df[cols].sum(axis=1)` gives them (NaN skipped) must be within
 * `np.isclose(…, 1, atol=1e-6)` (|s − 1| ≤ 1e-6 + 1e-5), then every value within [0, 1]
 * (docs/mlebench-grading.md §Metrics Log loss: MLE-bench's own checks come before scikit-learn's).
 */
function checkProbabilityRows(sub: Table, cols: string[]): Float64Array[] {
  const values = cols.map((c) => {
    const r = sub.get(c)!.toNumeric();
    if (!r.ok)
      throw new MetricError(
        `submission "${c}" is not numeric (row ${rowNo(r.row)}: ${JSON.stringify(r.value)})`,
      );
    return r.values;
  });
  for (let i = 0; i < sub.rowCount; i++) {
    let s = 0;
    for (const v of values) {
      const x = v[i]!;
      if (x === x) s += x;
    }
    if (!isClose(s, 1, 1e-5, 1e-6))
      throw new InvalidSubmission(`each row must sum to 1 as probabilities: row ${rowNo(i)} sums to ${s}`);
  }
  for (let c = 0; c < cols.length; c++) {
    const v = values[c]!;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (!(x >= 0 && x <= 1))
        throw new InvalidSubmission(
          `all probabilities must be within [0, 1]: "${cols[c]}" on row ${rowNo(i)} is ${x === x ? x : 'empty'}`,
        );
    }
  }
  return values;
}

/**
 * MLE-bench `one_hot_dfs_to_log_loss_inputs` (no softmax) + `log_loss`: the submission's columns
 * must include the answers' columns; they are re-ordered to the answers' order, rows sorted by id.
 */
function oneHotLogLoss(sub: Table, ans: Table, idCol: string): number {
  const missing = ans.columns.filter((c) => !sub.has(c));
  if (missing.length)
    throw new InvalidSubmission(
      `submission is missing columns the answers have: ${missing
        .slice(0, 5)
        .map((c) => `"${c}"`)
        .join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`,
    );
  subCol(sub, idCol);
  const classes = ans.columns.filter((c) => c !== idCol);
  const { ansRows, subRows } = alignById(sub, ans, idCol);
  return logLossOfColumns(
    classes.map((c) => numericAns(ans.get(c)!)),
    ansRows,
    classes.map((c) => sub.get(c)!.numbers()),
    subRows,
  );
}

export const loglossGraders: Grader[] = [
  {
    id: 'dog-breed-identification',
    metric: 'multi-class log loss (120 breeds)',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      ansCol(ans, 'id');
      const dogs = ans.columns.filter((c) => c !== 'id');
      const missing = dogs.filter((d) => !sub.has(d));
      if (missing.length)
        throw new InvalidSubmission(
          `submission must have a column for every breed; missing ${missing
            .slice(0, 5)
            .map((c) => `"${c}"`)
            .join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`,
        );
      subCol(sub, 'id');
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      checkProbabilityRows(sub, dogs);
      return oneHotLogLoss(sub, ans, 'id');
    },
  },
  {
    id: 'leaf-classification',
    metric: 'multi-class log loss (99 species)',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      ansCol(ans, 'id');
      const classes = ans.columns.filter((c) => c !== 'id');
      const want = new Set(ans.columns);
      const extra = sub.columns.filter((c) => !want.has(c));
      const missing = ans.columns.filter((c) => !sub.has(c));
      if (extra.length || missing.length)
        throw new InvalidSubmission(
          `submission must have an "id" column and one column per species, nothing else (${[
            missing.length
              ? `missing ${missing
                  .slice(0, 3)
                  .map((c) => `"${c}"`)
                  .join(', ')}`
              : '',
            extra.length
              ? `unexpected ${extra
                  .slice(0, 3)
                  .map((c) => `"${c}"`)
                  .join(', ')}`
              : '',
          ]
            .filter(Boolean)
            .join('; ')})`,
        );
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      checkProbabilityRows(sub, classes);
      return oneHotLogLoss(sub, ans, 'id');
    },
  },
  {
    id: 'spooky-author-identification',
    metric: 'multi-class log loss (EAP, HPL, MWS)',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      if (sub.rowCount !== ans.rowCount || sub.width !== 4)
        throw new InvalidSubmission(
          `submission shape (${sub.rowCount}, ${sub.width}) does not match the expected (${ans.rowCount}, 4): an id column and EAP, HPL, MWS`,
        );
      // Row sums and ranges over every column after the first, by position.
      checkProbabilityRows(sub, sub.columns.slice(1));
      return oneHotLogLoss(sub, ans, 'id');
    },
  },
  {
    id: 'dogs-vs-cats-redux-kernels-edition',
    metric: 'binary log loss',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      const truthCol = ansCol(ans, 'label');
      ansCol(ans, 'id');
      subCol(sub, 'id');
      const lc = subCol(sub, 'label');
      requireSameIdSet(sub, ans, 'id');
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      const r = lc.toNumeric();
      if (!r.ok)
        throw new MetricError(
          `submission "label" is not numeric (row ${rowNo(r.row)}: ${JSON.stringify(r.value)})`,
        );
      for (let i = 0; i < r.values.length; i++) {
        const x = r.values[i]!;
        if (!(x >= 0 && x <= 1))
          throw new InvalidSubmission(
            `all values in "label" must be within [0, 1]: row ${rowNo(i)} is ${x === x ? x : 'empty'}`,
          );
      }
      const { ansRows, subRows } = alignById(sub, ans, 'id');
      const p = new Float64Array(subRows.length);
      for (let j = 0; j < subRows.length; j++) p[j] = r.values[subRows[j]!]!;
      return binaryLogLoss(binaryTruth(truthCol, ansRows), p);
    },
  },
];
