import { alignById, ansCol, gather, numericAns, subCol } from '../align.js';
import type { Table } from '../csv/table.js';
import { InvalidSubmission, MetricError } from '../errors.js';
import { macroAuc, rocAuc } from '../metrics/auc.js';
import { npMean } from '../npmath.js';
import { aurocById, binaryTruth, scoresOf } from './common.js';
import { csvAnswers, type Grader } from './types.js';

/** Single-column ROC AUC competitions: (id column, target column) as their grade.py names them. */
const SIMPLE: Record<string, [string, string]> = {
  'aerial-cactus-identification': ['id', 'has_cactus'],
  'detecting-insults-in-social-commentary': ['Comment', 'Insult'],
  'histopathologic-cancer-detection': ['id', 'label'],
  'invasive-species-monitoring': ['name', 'invasive'],
  'mlsp-2013-birds': ['Id', 'Probability'],
  'random-acts-of-pizza': ['request_id', 'requester_received_pizza'],
  'siim-isic-melanoma-classification': ['image_name', 'target'],
  'tabular-playground-series-may-2022': ['id', 'target'],
  'the-icml-2013-whale-challenge-right-whale-redux': ['clip', 'probability'],
};

export const aucGraders: Grader[] = [
  ...Object.entries(SIMPLE).map(([id, [idCol, target]]): Grader => ({
    id,
    metric: id === 'mlsp-2013-birds' ? 'ROC AUC over all (recording, species) rows' : 'ROC AUC',
    answers: 'csv',
    grade: (sub, a) => aurocById(sub, csvAnswers(a, id), idCol, target),
  })),
  {
    id: 'ranzcr-clip-catheter-line-classification',
    metric: 'mean column-wise ROC AUC (9 classes)',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      for (const c of RANZCR_CLASSES) {
        ansCol(ans, c);
        subCol(sub, c);
      }
      const aucs = RANZCR_CLASSES.map((c) => aurocById(sub, ans, 'StudyInstanceUID', c));
      return npMean(Float64Array.from(aucs));
    },
  },
  {
    id: 'plant-pathology-2020-fgvc7',
    metric: 'mean column-wise ROC AUC (4 labels)',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      const expected = ['image_id', 'healthy', 'multiple_diseases', 'rust', 'scab'];
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      requireExactColumns(sub, expected);
      const { ansRows, subRows } = alignById(sub, ans, 'image_id', undefined, 'any');
      const aucs = expected
        .slice(1)
        .map((c) => rocAuc(binaryTruth(ansCol(ans, c), ansRows), scoresOf(sub.get(c)!, subRows)));
      return npMean(Float64Array.from(aucs));
    },
  },
  {
    id: 'jigsaw-toxic-comment-classification-challenge',
    metric: 'mean column-wise ROC AUC (6 labels), rows marked -1 dropped',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      subCol(sub, 'id');
      const missing = JIGSAW_CLASSES.filter((c) => !sub.has(c));
      if (missing.length)
        throw new InvalidSubmission(
          `submission is missing the columns ${missing.map((c) => `"${c}"`).join(', ')}`,
        );
      for (const c of JIGSAW_CLASSES) ansCol(ans, c);
      if (sub.rowCount !== ans.rowCount)
        throw new MetricError(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      // set_index("id").sort_index() on both; the -1 mask is aligned by id, so ids must match.
      const { ansRows, subRows } = alignById(sub, ans, 'id', undefined, 'any');
      const classValues = JIGSAW_CLASSES.map((c) => numericAns(ans.get(c)!));
      const keep: number[] = [];
      for (let j = 0; j < ansRows.length; j++) {
        let s = 0;
        for (const v of classValues) s += v[ansRows[j]!]!;
        if (s >= 0) keep.push(j);
      }
      // Columns are used by position after dropping "id": every non-id column on both sides.
      const ansCols = ans.columns.filter((c) => c !== 'id');
      const subCols = sub.columns.filter((c) => c !== 'id');
      if (subCols.length > ansCols.length)
        throw new MetricError(
          `submission has ${subCols.length} score columns but the answers have ${ansCols.length}; scikit-learn indexes past the last label column`,
        );
      const keptAns = keep.map((j) => ansRows[j]!);
      const keptSub = keep.map((j) => subRows[j]!);
      const truth = subCols.map((_, c) => binaryTruth(ans.get(ansCols[c]!)!, keptAns));
      const scores = subCols.map((c) => {
        const col = sub.get(c)!;
        const r = col.toNumeric();
        if (!r.ok)
          throw new MetricError(
            `submission "${c}" is not numeric (row ${r.row + 1}: ${JSON.stringify(r.value)})`,
          );
        return gather(r.values, keptSub);
      });
      return macroAuc(truth, scores);
    },
  },
  {
    id: 'playground-series-s3e18',
    metric: 'macro ROC AUC over EC1, EC2',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      if (!sub.has('id')) throw new InvalidSubmission('submission is missing the "id" column');
      if (!sub.has('EC1') || !sub.has('EC2'))
        throw new InvalidSubmission('submission must contain the "EC1" and "EC2" columns');
      ansCol(ans, 'EC1');
      ansCol(ans, 'EC2');
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      const { ansRows, subRows } = alignById(sub, ans, 'id', undefined, 'any');
      const cols = ['EC1', 'EC2'];
      return macroAuc(
        cols.map((c) => binaryTruth(ans.get(c)!, ansRows)),
        cols.map((c) => {
          const r = sub.get(c)!.toNumeric();
          if (!r.ok)
            throw new MetricError(
              `submission "${c}" is not numeric (row ${r.row + 1}: ${JSON.stringify(r.value)})`,
            );
          return gather(r.values, subRows);
        }),
      );
    },
  },
];

export function requireExactColumns(sub: Table, expected: string[]): void {
  const want = new Set(expected);
  const have = new Set(sub.columns);
  const missing = expected.filter((c) => !have.has(c));
  const extra = sub.columns.filter((c) => !want.has(c));
  if (missing.length || extra.length) {
    const parts = [
      missing.length ? `missing ${missing.map((c) => `"${c}"`).join(', ')}` : '',
      extra.length ? `unexpected ${extra.map((c) => `"${c}"`).join(', ')}` : '',
    ].filter(Boolean);
    throw new InvalidSubmission(
      `submission must have exactly the columns ${expected.map((c) => `"${c}"`).join(', ')} (${parts.join('; ')})`,
    );
  }
}

/**
 * ranzcr's classes.py at the referenced commit lists 9 of Kaggle's 11 labels (docs/mlebench-grading.md
 * §Metrics: "CVC - Normal" and "Swan Ganz Catheter Present" are absent, known issue #30).
 */
export const RANZCR_CLASSES = [
  'ETT - Abnormal',
  'ETT - Borderline',
  'ETT - Normal',
  'NGT - Abnormal',
  'NGT - Borderline',
  'NGT - Incompletely Imaged',
  'NGT - Normal',
  'CVC - Abnormal',
  'CVC - Borderline',
];

export const JIGSAW_CLASSES = ['toxic', 'severe_toxic', 'obscene', 'threat', 'insult', 'identity_hate'];
