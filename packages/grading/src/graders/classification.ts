import { alignById, ansCol, requireSameIdSet, subCol } from '../align.js';
import type { Column } from '../csv/table.js';
import { AnswersError, InvalidSubmission, MetricError, rowNo, show } from '../errors.js';
import {
  f1FromCounts,
  matthewsCorrcoef,
  microF1Sets,
  quadraticWeightedKappa,
} from '../metrics/classification.js';
import { labelsOf } from '../metrics/labels.js';
import { pySplit } from '../metrics/text.js';
import { csvAnswers, type Grader, type JsonRecord } from './types.js';

/** `.fillna("")` then `.str.split()`: pandas' .str accessor refuses a numeric column outright. */
function labelSets(col: Column, rows: ArrayLike<number>, side: string): string[][] {
  if (col.kind !== 'object') {
    for (let i = 0; i < col.length; i++) {
      if (!col.isNA(i))
        throw new MetricError(
          `${side} "${col.name}" holds only numbers (e.g. ${show(col.text(i))} on row ${rowNo(i)}); pandas' .str accessor needs text, so the grader fails`,
        );
    }
  }
  return Array.from(rows, (r) => (col.isNA(r) ? [] : pySplit(col.text(r))));
}

export const classificationGraders: Grader[] = [
  {
    id: 'aptos2019-blindness-detection',
    metric: 'quadratic weighted kappa',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      const pred = subCol(sub, 'diagnosis');
      const truth = ansCol(ans, 'diagnosis');
      if (sub.rowCount === 0) throw new InvalidSubmission('the submission has no rows');
      subCol(sub, 'id_code');
      requireSameIdSet(sub, ans, 'id_code', 'id_code', '"id_code" values');
      if (sub.rowCount !== ans.rowCount)
        throw new MetricError(
          `found input variables with inconsistent numbers of samples: [${sub.rowCount}, ${ans.rowCount}]`,
        );
      const { ansRows, subRows } = alignById(sub, ans, 'id_code', undefined, 'any');
      // cohen_kappa_score(y_pred, y_true): the submission is y1.
      return quadraticWeightedKappa(
        labelsOf(pred, subRows, 'submission'),
        labelsOf(truth, ansRows, 'the answers'),
      );
    },
  },
  {
    id: 'nfl-player-contact-detection',
    metric: 'Matthews correlation coefficient',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      const truth = ansCol(ans, 'contact');
      ansCol(ans, 'contact_id');
      if (!sub.has('contact_id') || !sub.has('contact'))
        throw new InvalidSubmission(
          `submission must have the columns "contact_id" and "contact" (has: ${sub.columns.map((c) => `"${c}"`).join(', ')})`,
        );
      requireSameIdSet(sub, ans, 'contact_id', 'contact_id', '"contact_id" values');
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      const { ansRows, subRows } = alignById(sub, ans, 'contact_id', undefined, 'any');
      return matthewsCorrcoef(
        labelsOf(truth, ansRows, 'the answers'),
        labelsOf(sub.get('contact')!, subRows, 'submission'),
      );
    },
  },
  multiLabelF1('imet-2020-fgvc7', 'id', 'attribute_ids'),
  multiLabelF1('plant-pathology-2021-fgvc8', 'image', 'labels'),
  {
    id: 'tensorflow2-question-answering',
    metric: 'micro F1 over long/short answer rows (binary TP/FP/FN)',
    answers: 'jsonl',
    grade(sub, a) {
      if (!Array.isArray(a)) throw new TypeError(`${this.id} grades against the JSONL answers`);
      return tf2qa(sub, a);
    },
  },
];

/** imet / plant-pathology-2021: micro F1 over space-separated labels, vocabulary = labels in the answers. */
function multiLabelF1(id: string, idCol: string, labelCol: string): Grader {
  return {
    id,
    metric: 'micro F1 over labels',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, id);
      ansCol(ans, idCol);
      const truthCol = ansCol(ans, labelCol);
      subCol(sub, idCol);
      const predCol = subCol(sub, labelCol);
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      const { ansRows, subRows } = alignById(sub, ans, idCol, undefined, 'any');
      const truth = labelSets(truthCol, ansRows, 'answers');
      const pred = labelSets(predCol, subRows, 'submission');
      const vocabulary = new Set(truth.flat());
      return microF1Sets(truth, pred, vocabulary);
    },
  };
}

/** Python-int parse as `int(token)` accepts it (sign, digits, underscores between digits). */
function pyInt(t: string): number | null {
  const s = t.trim();
  return /^[+-]?\d+(?:_\d+)*$/.test(s) ? Number(s.replace(/_/g, '')) : null;
}

/**
 * tensorflow2-question-answering (docs/mlebench-grading.md §Metrics F-scores): each example has a `_long`
 * and a `_short` row; a non-empty prediction scores 1 on y_pred and counts as correct when it
 * matches a valid annotation; f1_score(average="micro") over the two classes 0/1.
 */
function tf2qa(sub: import('../csv/table.js').Table, answers: JsonRecord[]): number {
  if (sub.rowCount !== 2 * answers.length)
    throw new InvalidSubmission(
      `submission has ${sub.rowCount} rows; expected 2 × ${answers.length} (a _long and a _short row per example)`,
    );
  const expected = new Set<string>();
  const annotations = new Map<string, JsonRecord>();
  answers.forEach((s, i) => {
    const eid = String(s['example_id']);
    expected.add(`${eid}_long`);
    expected.add(`${eid}_short`);
    const anns = s['annotations'];
    if (!Array.isArray(anns) || anns.length === 0)
      throw new AnswersError(`answers record ${i + 1} (${eid}) has no annotations`);
    annotations.set(eid, anns[0] as JsonRecord);
  });
  const idCol = sub.get('example_id'),
    predCol = sub.get('PredictionString');
  if (!idCol || !predCol)
    throw new InvalidSubmission(
      `submission requires the columns "example_id" and "PredictionString" (has: ${sub.columns.map((c) => `"${c}"`).join(', ')})`,
    );
  // fillna("") then astype(str): every value becomes text.
  const str = (c: Column, i: number) => (c.isNA(i) ? '' : c.pyStr(i));
  const ids = Array.from({ length: sub.rowCount }, (_, i) => str(idCol, i));
  const idSet = new Set(ids);
  for (const id of ids)
    if (!expected.has(id))
      throw new InvalidSubmission(
        `submission example_ids do not match the answers: ${show(id)} is not expected`,
      );
  if (idSet.size !== expected.size)
    throw new InvalidSubmission(
      'submission example_ids do not match the answers: some examples lack a _long or _short row',
    );
  if (idSet.size !== sub.rowCount) throw new InvalidSubmission('submission example_ids are not unique');
  let correct = 0;
  for (let i = 0; i < sub.rowCount; i++) {
    const raw = str(predCol, i).trim();
    const yPred = raw ? 1 : 0;
    let pred: string | [number, number] = raw;
    if (raw.includes(':') && raw.split(':').length === 2) {
      const [s, e] = raw.split(':') as [string, string];
      const si = pyInt(s),
        ei = pyInt(e);
      if (si === null || ei === null)
        throw new MetricError(`row ${rowNo(i)}: ${show(raw)} is not "start:end" with integer tokens`);
      pred = [si, ei];
    } else if (raw !== 'YES' && raw !== 'NO' && raw !== '') {
      throw new InvalidSubmission(
        `invalid prediction on row ${rowNo(i)}: ${show(raw)} (expected "start:end", "YES", "NO" or empty)`,
      );
    }
    const id = ids[i]!;
    const valid: (string | [number, number])[] = [];
    if (id.endsWith('_long')) {
      const ann = annotations.get(id.split('_long')[0]!)!;
      const la = ann['long_answer'] as JsonRecord;
      if (Number(la['start_token']) !== -1) valid.push([Number(la['start_token']), Number(la['end_token'])]);
    } else if (id.endsWith('_short')) {
      const ann = annotations.get(id.split('_short')[0]!)!;
      for (const sa of (ann['short_answers'] as JsonRecord[]) ?? [])
        valid.push([Number(sa['start_token']), Number(sa['end_token'])]);
      if (ann['yes_no_answer'] !== 'NONE') valid.push(String(ann['yes_no_answer']));
    } else {
      throw new InvalidSubmission(`example_id ${show(id)} does not end with "_long" or "_short"`);
    }
    const hit = (v: string | [number, number]) =>
      typeof pred === 'string' ? v === pred : Array.isArray(v) && v[0] === pred[0] && v[1] === pred[1];
    const yTrue = raw ? (valid.some(hit) ? 1 : 0) : valid.length > 0 ? 1 : 0;
    if (yTrue === yPred) correct++;
  }
  // Micro-averaging over both classes pools every row: TP = rows where y_true == y_pred.
  return f1FromCounts(correct, sub.rowCount, sub.rowCount);
}
