import { alignById, ansCol, subCol } from '../align.js';
import { InvalidSubmission } from '../errors.js';
import { microF1Labels } from '../metrics/classification.js';
import { accuracy, labelsOf, type Labels } from '../metrics/labels.js';
import { accuracyById, pyStrings } from './common.js';
import { csvAnswers, type Grader } from './types.js';

/** Competitions graded with MLE-bench's `prepare_for_accuracy_metric`: (id column, target column). */
const PLAIN: Record<string, [string, string]> = {
  'cassava-leaf-disease-classification': ['image_id', 'label'],
  'tabular-playground-series-dec-2021': ['Id', 'Cover_Type'],
  'ml2021spring-hw2': ['Id', 'ClassId'],
  'movie-review-sentiment-analysis-kernels-only': ['PhraseId', 'Sentiment'],
  'spaceship-titanic': ['PassengerId', 'Transported'],
};

/** text-normalization: both sides cast to str before comparing (NaN becomes "nan"). */
function textNormalization(id: string): Grader {
  return {
    id,
    metric: 'accuracy of the normalised token (compared as strings)',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, id);
      const truth = ansCol(ans, 'after');
      ansCol(ans, 'id');
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      const pred = subCol(sub, 'after');
      subCol(sub, 'id');
      const { ansRows, subRows } = alignById(sub, ans, 'id', undefined, 'any');
      const t: Labels = { kind: 'str', values: pyStrings(truth, ansRows) };
      const p: Labels = { kind: 'str', values: pyStrings(pred, subRows) };
      return accuracy(t, p);
    },
  };
}

export const accuracyGraders: Grader[] = [
  ...Object.entries(PLAIN).map(([id, [idCol, target]]): Grader => ({
    id,
    metric: 'accuracy',
    answers: 'csv',
    grade: (sub, a) => accuracyById(sub, csvAnswers(a, id), idCol, target),
  })),
  textNormalization('text-normalization-challenge-english-language'),
  textNormalization('text-normalization-challenge-russian-language'),
  {
    id: 'paddy-disease-classification',
    metric: 'accuracy (missing predictions count as "")',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      const truth = ansCol(ans, 'label');
      ansCol(ans, 'image_id');
      if (!sub.has('image_id') || !sub.has('label'))
        throw new InvalidSubmission(
          `submission must have the columns "image_id" and "label" (has: ${sub.columns.map((c) => `"${c}"`).join(', ')})`,
        );
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      const { ansRows, subRows } = alignById(sub, ans, 'image_id', undefined, 'any');
      const pc = sub.get('label')!;
      const t = labelsOf(truth, ansRows, 'the answers');
      // fillna("") then tolist(): a float column with NaN would mix "" with numbers; a column of
      // nothing but NaN (the sample submission's empty labels) becomes all "".
      let p: Labels;
      if (pc.kind === 'object' || subRows.every((r) => pc.isNA(r)))
        p = { kind: 'str', values: Array.from(subRows, (r) => (pc.isNA(r) ? '' : pc.text(r))) };
      else p = labelsOf(pc, subRows, 'submission');
      return accuracy(t, p);
    },
  },
  {
    id: 'plant-seedlings-classification',
    metric: 'micro F1 over species (equals accuracy for one label per image)',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      const truth = ansCol(ans, 'species');
      ansCol(ans, 'file');
      subCol(sub, 'file');
      const pred = subCol(sub, 'species');
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      const { ansRows, subRows } = alignById(sub, ans, 'file', undefined, 'any');
      return microF1Labels(labelsOf(truth, ansRows, 'the answers'), labelsOf(pred, subRows, 'submission'));
    },
  },
];
