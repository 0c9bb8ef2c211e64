import { alignById, ansCol, subCol } from '../align.js';
import type { Column } from '../csv/table.js';
import { InvalidSubmission, MetricError, rowNo, show } from '../errors.js';
import { codePoints, levenshtein, pySplit, wordJaccard } from '../metrics/text.js';
import { npMean } from '../npmath.js';
import { csvAnswers, type Grader } from './types.js';

/** python-Levenshtein needs str: NaN (an empty cell) or a numeric column makes `distance` raise. */
function strictText(col: Column, row: number, side: string): string {
  if (col.kind !== 'object')
    throw new MetricError(
      `${side} "${col.name}" was read as numbers, not text (row ${rowNo(row)}: ${show(col.text(row))}); Levenshtein.distance needs strings`,
    );
  if (col.isNA(row))
    throw new MetricError(
      `${side} "${col.name}" is empty on row ${rowNo(row)}; Levenshtein.distance needs a string, not NaN`,
    );
  return col.text(row);
}

/** `x.split()` then `int()` per token, as multi-modal-gesture-recognition parses sequences. */
function gestureSequence(text: string, row: number, side: string): number[] {
  return pySplit(text).map((t) => {
    const s = t.trim();
    if (!/^[+-]?\d+(?:_\d+)*$/.test(s))
      throw new InvalidSubmission(
        `${side} sequences must be integers separated by spaces: row ${rowNo(row)} holds ${show(text)}`,
      );
    return Number(s.replace(/_/g, ''));
  });
}

export const textGraders: Grader[] = [
  {
    id: 'billion-word-imputation',
    metric: 'mean Levenshtein distance per sentence',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      ansCol(ans, 'id');
      const truth = ansCol(ans, 'sentence');
      subCol(sub, 'id');
      const pred = subCol(sub, 'sentence');
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(
          `submission and answers have different lengths: ${sub.rowCount} vs ${ans.rowCount}`,
        );
      const { ansRows, subRows } = alignById(sub, ans, 'id');
      const d = new Float64Array(ansRows.length);
      for (let j = 0; j < d.length; j++)
        d[j] = levenshtein(
          codePoints(strictText(truth, ansRows[j]!, 'answers')),
          codePoints(strictText(pred, subRows[j]!, 'submission')),
        );
      return npMean(d);
    },
  },
  {
    id: 'bms-molecular-translation',
    metric: 'mean Levenshtein distance of InChI strings',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      subCol(sub, 'image_id');
      const pred = subCol(sub, 'InChI');
      ansCol(ans, 'image_id');
      const truth = ansCol(ans, 'InChI');
      const { ansRows, subRows } = alignById(sub, ans, 'image_id');
      // astype(str): an empty prediction is compared as the text "nan".
      const d = new Float64Array(ansRows.length);
      for (let j = 0; j < d.length; j++)
        d[j] = levenshtein(codePoints(truth.pyStr(ansRows[j]!)), codePoints(pred.pyStr(subRows[j]!)));
      return npMean(d);
    },
  },
  {
    id: 'multi-modal-gesture-recognition',
    metric: 'sum of Levenshtein distances between gesture sequences / number of true gestures',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      subCol(sub, 'Id');
      const pred = subCol(sub, 'Sequence');
      ansCol(ans, 'Id');
      const truth = ansCol(ans, 'Sequence');
      const { ansRows, subRows } = alignById(sub, ans, 'Id', undefined, 'any');
      const yTrue = Array.from(ansRows, (r) => gestureSequence(truth.pyStr(r), r, 'answers'));
      const yPred = Array.from(subRows, (r) => gestureSequence(pred.pyStr(r), r, 'submission'));
      let distances = 0,
        gestures = 0;
      for (let j = 0; j < yTrue.length; j++) {
        distances += levenshtein(yTrue[j]!, yPred[j]!);
        gestures += yTrue[j]!.length;
      }
      return distances / gestures;
    },
  },
  {
    id: 'tweet-sentiment-extraction',
    metric: 'word-level Jaccard, mean over rows',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      subCol(sub, 'textID');
      const pred = subCol(sub, 'selected_text');
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      ansCol(ans, 'textID');
      const truth = ansCol(ans, 'selected_text');
      const { ansRows, subRows } = alignById(sub, ans, 'textID');
      // fillna("") then astype(str).
      const text = (c: Column, r: number) => (c.isNA(r) ? '' : c.pyStr(r));
      const scores = new Float64Array(ansRows.length);
      for (let j = 0; j < scores.length; j++)
        scores[j] = wordJaccard(text(pred, subRows[j]!), text(truth, ansRows[j]!), rowNo(subRows[j]!));
      return npMean(scores);
    },
  },
];
