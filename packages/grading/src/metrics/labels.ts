import type { Column } from '../csv/table.js';
import { MetricError, rowNo, show } from '../errors.js';

/** Class labels as scikit-learn sees them: numbers (ints, integral floats, bools) or strings. */
export type Labels = { kind: 'num'; values: Float64Array } | { kind: 'str'; values: string[] };

/**
 * A column's values as classification labels, with scikit-learn's refusals: NaN ("Input contains
 * NaN"), non-integral floats (a "continuous" target), strings mixed with booleans (mixed label types).
 */
export function labelsOf(col: Column, rows: ArrayLike<number>, side: string): Labels {
  const n = rows.length;
  if (col.kind === 'object') {
    const out = new Array<string>(n);
    for (let j = 0; j < n; j++) {
      const i = rows[j]!;
      if (col.isNA(i))
        throw new MetricError(
          `${side} "${col.name}" is empty on row ${rowNo(i)} (scikit-learn: Input contains NaN)`,
        );
      const t = col.text(i);
      if (t === 'True' || t === 'False' || t === 'TRUE' || t === 'FALSE' || t === 'true' || t === 'false') {
        throw new MetricError(
          `${side} "${col.name}" mixes booleans and strings (row ${rowNo(i)}: ${show(t)}); scikit-learn rejects mixed label types`,
        );
      }
      out[j] = t;
    }
    return { kind: 'str', values: out };
  }
  const v = col.numbers();
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const i = rows[j]!;
    const x = v[i]!;
    if (x !== x)
      throw new MetricError(
        `${side} "${col.name}" is empty on row ${rowNo(i)} (scikit-learn: Input contains NaN)`,
      );
    out[j] = x;
  }
  return { kind: 'num', values: out };
}

/** scikit-learn `type_of_target` for 1-D labels: binary (≤ 2 values), multiclass, or continuous. */
function targetType(l: Labels, what: string): 'binary' | 'multiclass' {
  if (l.kind === 'num') {
    const v = l.values;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (!Number.isFinite(x)) throw new MetricError(`${what} contains infinity (scikit-learn refuses it)`);
      if (x !== Math.trunc(x))
        throw new MetricError(
          `${what} holds the non-integer value ${x}: scikit-learn treats it as a continuous target, not class labels`,
        );
    }
  }
  return atMostTwoValues(l) ? 'binary' : 'multiclass';
}

function atMostTwoValues(l: Labels): boolean {
  const v = l.values as ArrayLike<number | string>;
  let a: number | string | undefined, b: number | string | undefined;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x === a || x === b) continue;
    if (a === undefined) a = x;
    else if (b === undefined) b = x;
    else return false;
  }
  return true;
}

/** scikit-learn `_check_targets` + `unique_labels`: both sides are class labels of one type. */
export function checkClassification(yTrue: Labels, yPred: Labels): void {
  if (yTrue.values.length !== yPred.values.length)
    throw new MetricError(
      `found input variables with inconsistent numbers of samples: [${yTrue.values.length}, ${yPred.values.length}]`,
    );
  targetType(yTrue, 'the answers');
  targetType(yPred, 'the submission');
  if (yTrue.kind !== yPred.kind)
    throw new MetricError(
      'the submission and the answers mix string and number labels (scikit-learn: "Mix of label input types (string and number)")',
    );
}

/** Sorted distinct labels of both sides (scikit-learn `unique_labels`). */
export function unionLabels(a: Labels, b: Labels): (number | string)[] {
  const s = new Set<number | string>();
  for (const x of a.values as Iterable<number | string>) s.add(x);
  for (const x of b.values as Iterable<number | string>) s.add(x);
  const arr = [...s];
  if (a.kind === 'num') (arr as number[]).sort((x, y) => x - y);
  else (arr as string[]).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return arr;
}

/** Fraction of equal labels (scikit-learn `accuracy_score` after its checks). */
export function accuracy(yTrue: Labels, yPred: Labels): number {
  checkClassification(yTrue, yPred);
  const n = yTrue.values.length;
  if (n === 0) return NaN;
  let hits = 0;
  const t = yTrue.values,
    p = yPred.values;
  for (let i = 0; i < n; i++) if (t[i] === p[i]) hits++;
  return hits / n;
}

/** Confusion matrix rows = a's label index, cols = b's, over the sorted union of labels. */
export function confusion(a: Labels, b: Labels): { labels: (number | string)[]; counts: Float64Array } {
  const labels = unionLabels(a, b);
  const k = labels.length;
  const pos = new Map<number | string, number>();
  labels.forEach((l, i) => pos.set(l, i));
  const counts = new Float64Array(k * k);
  const av = a.values as ArrayLike<number | string>,
    bv = b.values as ArrayLike<number | string>;
  for (let i = 0; i < av.length; i++) counts[pos.get(av[i]!)! * k + pos.get(bv[i]!)!]! += 1;
  return { labels, counts };
}
