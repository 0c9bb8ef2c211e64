import { alignById, ansCol, requireSameIdSet, sortOrder, subCol } from '../align.js';
import type { Column } from '../csv/table.js';
import { InvalidSubmission, MetricError, rowNo, show } from '../errors.js';
import { lwlrap } from '../metrics/ranking.js';
import { averagePrecisionAtKIds, distinct, meanAveragePrecisionAtK } from '../metrics/ranking.js';
import { npMean } from '../npmath.js';
import { splitTokens, TokenDict, type RowTokens } from '../tokens.js';
import { requireExactColumns } from './auc.js';
import { csvAnswers, type Grader } from './types.js';

/** `Series.astype(str).str.split(" ")`: a single-space split, so "a  b" holds an empty label. */
function spaceSplit(col: Column, row: number): string[] {
  return col.pyStr(row).split(' ');
}

/** The answers' label sets by row, parsed once per answers table (many submissions share it). */
function truthSets(col: Column): (readonly string[] | ReadonlySet<string>)[] {
  const key = `truth-sets:${col.index}`;
  let sets = col.table.memo.get(key) as (readonly string[] | ReadonlySet<string>)[] | undefined;
  if (!sets)
    col.table.memo.set(
      key,
      (sets = Array.from({ length: col.length }, (_, r) => distinct(spaceSplit(col, r)))),
    );
  return sets;
}

/** The answers' label tokens as ids and their dictionary, once per answers table; null for non-text columns. */
function truthTokens(col: Column): { dict: TokenDict; tokens: RowTokens } | null {
  const key = `truth-tokens:${col.index}`;
  if (!col.table.memo.has(key)) {
    const dict = new TokenDict();
    const tokens = splitTokens(col, dict, true);
    col.table.memo.set(key, tokens ? { dict, tokens } : null);
  }
  return col.table.memo.get(key) as { dict: TokenDict; tokens: RowTokens } | null;
}

/**
 * MAP@k over aligned rows (answers' sorted order): on token ids when both columns are text (no
 * string per label), else on Python's str() of each cell. Same values, same summation order.
 */
function mapAtK(truth: Column, pred: Column, ansRows: Uint32Array, subRows: Uint32Array, k: number): number {
  const t = truthTokens(truth);
  const p = t ? splitTokens(pred, t.dict, false, k) : null;
  if (!t || !p) {
    return meanAveragePrecisionAtK(
      Array.from(ansRows, (r) => truthSets(truth)[r]!),
      Array.from(subRows, (r) => spaceSplit(pred, r)),
      k,
    );
  }
  const n = Math.min(ansRows.length, subRows.length);
  const aps = new Float64Array(n);
  const ts = t.tokens.starts,
    tid = t.tokens.ids,
    ps = p.starts,
    pid = p.ids;
  for (let j = 0; j < n; j++) {
    const a = ansRows[j]!,
      s = subRows[j]!;
    aps[j] = averagePrecisionAtKIds(tid, ts[a]!, ts[a + 1]!, pid, ps[s]!, ps[s + 1]!, k);
  }
  return npMean(aps);
}

export const rankingGraders: Grader[] = [
  {
    id: 'h-and-m-personalized-fashion-recommendations',
    metric: 'MAP@12',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      const truth = ansCol(ans, 'prediction');
      const aid = ansCol(ans, 'customer_id');
      requireExactColumns(sub, ['customer_id', 'prediction']);
      const sid = sub.get('customer_id')!,
        pred = sub.get('prediction')!;
      // Extra customer ids are allowed (filtered out); every answer id must be present.
      const wanted = new Set<number | string>();
      for (let i = 0; i < ans.rowCount; i++) wanted.add(aid.key(i));
      const present = new Set<number | string>();
      const kept: number[] = [];
      for (let i = 0; i < sub.rowCount; i++) {
        const k = sid.key(i);
        present.add(k);
        if (wanted.has(k)) kept.push(i);
      }
      for (let i = 0; i < ans.rowCount; i++)
        if (!present.has(aid.key(i)))
          throw new InvalidSubmission(
            `submission customer_id must cover every answer: ${show(aid.text(i))} is missing`,
          );
      // Both sides sorted by customer_id and zipped by position (a repeated id shifts the pairing, as in grade.py).
      const subSorted = sortedSubset(sid, kept);
      const ansSorted = sortOrder(aid);
      return meanAveragePrecisionAtK(
        Array.from(ansSorted, (r) => truthSets(truth)[r]!),
        subSorted.map((r) => spaceSplit(pred, r)),
        12,
      );
    },
  },
  {
    id: 'whale-categorization-playground',
    metric: 'MAP@5',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      const truth = ansCol(ans, 'Id');
      ansCol(ans, 'Image');
      requireExactColumns(sub, ['Image', 'Id']);
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      requireSameIdSet(sub, ans, 'Image', 'Image', '"Image" ids');
      const { ansRows, subRows } = alignById(sub, ans, 'Image');
      return mapAtK(truth, sub.get('Id')!, ansRows, subRows, 5);
    },
  },
  {
    id: 'hotel-id-2021-fgvc8',
    metric: 'MAP@5',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      subCol(sub, 'image');
      const pred = subCol(sub, 'hotel_id');
      ansCol(ans, 'image');
      const truth = ansCol(ans, 'hotel_id');
      requireSameIdSet(sub, ans, 'image', 'image', '"image" ids');
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      const { ansRows, subRows } = alignById(sub, ans, 'image');
      return mapAtK(truth, pred, ansRows, subRows, 5);
    },
  },
  {
    id: 'freesound-audio-tagging-2019',
    metric: 'label-weighted label-ranking average precision (lwlrap)',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      if (sub.columns[0] !== 'fname')
        throw new InvalidSubmission(
          `the first submission column must be "fname" (found ${show(sub.columns[0] ?? 'none')})`,
        );
      const classes = ans.columns.slice(1);
      const subClasses = sub.columns.slice(1);
      if (subClasses.length !== classes.length || subClasses.some((c, i) => c !== classes[i])) {
        const i = subClasses.findIndex((c, j) => c !== classes[j]);
        throw new InvalidSubmission(
          `submission classes do not match the expected 80 classes in order${i >= 0 ? `: column ${i + 2} is ${show(subClasses[i])}, expected ${show(classes[i] ?? 'nothing')}` : ` (${subClasses.length} class columns, expected ${classes.length})`}`,
        );
      }
      const { ansRows, subRows } = alignById(sub, ans, 'fname');
      const scoreCols = classes.map((c) => {
        const r = sub.get(c)!.toNumeric();
        if (!r.ok)
          throw new InvalidSubmission(
            `error converting submission values to float: "${c}" on row ${rowNo(r.row)} holds ${show(r.value)}`,
          );
        return r.values;
      });
      const truthCols = classes.map((c) => ans.get(c)!.numbers());
      const truth = Array.from(ansRows, (r) => Uint8Array.from(truthCols, (col) => (col[r]! > 0 ? 1 : 0)));
      const scores = Array.from(subRows, (r) => Float64Array.from(scoreCols, (col) => col[r]!));
      if (truth.every((t) => t.every((x) => x === 0)))
        throw new MetricError('no answer row has a label, so lwlrap is undefined');
      return lwlrap(truth, scores);
    },
  },
];

/** Rows of `col` restricted to `rows`, in pandas sort order of the column. */
function sortedSubset(col: Column, rows: number[]): number[] {
  const order = sortOrder(col);
  const keep = new Uint8Array(col.length);
  for (const r of rows) keep[r] = 1;
  return Array.from(order).filter((r) => keep[r] === 1);
}
