import type { Column, Table } from './csv/table.js';
import { AnswersError, InvalidSubmission, rowNo, show } from './errors.js';
import { IdIndex } from './idindex.js';
import { byteSort, type SortedKeys, type TextSort } from './bytesort.js';
import { numberSortOrder } from './numsort.js';

/** The submission column, or InvalidSubmission naming it. */
export function subCol(sub: Table, name: string): Column {
  const c = sub.get(name);
  if (!c)
    throw new InvalidSubmission(
      `submission is missing the "${name}" column (has: ${sub.columns.map((x) => `"${x}"`).join(', ') || 'no columns'})`,
    );
  return c;
}

/** The answers column, or an operator error. */
export function ansCol(ans: Table, name: string): Column {
  const c = ans.get(name);
  if (!c) throw new AnswersError(`${ans.source}: answers lack the "${name}" column`);
  return c;
}

export function requireSameLength(sub: Table, ans: Table): void {
  if (sub.rowCount !== ans.rowCount)
    throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
}

/**
 * Row order of `col` after pandas `sort_values` (numbers numerically, strings by code point, NaN
 * last), stable; cached on the table because answers are graded against many submissions.
 */
export function sortOrder(col: Column): Uint32Array {
  return sorted(col).order;
}

/** The column's sort (with a text column's short keys in sorted order), cached on the table. */
function sorted(col: Column): TextSort {
  const memoKey = `sort:${col.index}`;
  const hit = col.table.memo.get(memoKey) as TextSort | undefined;
  if (hit) return hit;
  const done: TextSort =
    col.kind === 'object' ? byteSort(col) : { order: numberSortOrder(col.numbers()), keys: null };
  col.table.memo.set(memoKey, done);
  return done;
}

/**
 * MLE-bench's own check, done as it does it: sort both id columns, then they must be equal element
 * by element; the submission rows in sorted order are then paired with the answers' rows in
 * sorted order (stable sorts: rows sharing an id pair up in row order). Null when the ids differ
 * or cannot be compared this way (missing values, long text ids, ints beyond 2^53): the caller's
 * index then pairs them or names the row that differs.
 */
function pairBySorting(sc: Column, ac: Column): Uint32Array | null {
  if (sc.kind === 'object' && ac.kind === 'object') {
    const a = sorted(ac),
      s = sorted(sc);
    return a.keys && s.keys && sameSortedKeys(a.keys, s.keys) ? s.order : null;
  }
  if (sc.kind === 'object' || ac.kind === 'object' || !sc.safeNumbers || !ac.safeNumbers) return null;
  const a = sortOrder(ac),
    s = sortOrder(sc);
  const x = ac.numbers(),
    y = sc.numbers();
  for (let j = 0; j < a.length; j++) if (x[a[j]!] !== y[s[j]!]) return null; // NaN equals nothing
  return s;
}

/** Whether two sorted key lists (no missing values) are equal entry by entry. */
function sameSortedKeys(a: SortedKeys, b: SortedKeys): boolean {
  if (a.missing || b.missing || a.words.length !== b.words.length) return false;
  if (!sameEntries(a.prefix, b.prefix) || !sameEntries(a.ranks, b.ranks)) return false;
  return a.words.every((w, k) => sameEntries(w, b.words[k]!));
}

function sameEntries(a: Uint8Array | Uint32Array, b: Uint8Array | Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
  return true;
}

/**
 * pandas compares an int/float id column with a text one as never equal; say so plainly instead of
 * reporting the first row as unknown.
 */
function requireComparableIds(sc: Column, ac: Column): void {
  if ((sc.kind === 'object') === (ac.kind === 'object')) return;
  if (sc.kind === 'object') {
    const r = sc.toNumeric();
    const where = r.ok ? '' : ` (row ${rowNo(r.row)} holds ${show(r.value)})`;
    throw new InvalidSubmission(
      `submission "${sc.name}" was read as text${where}, but the answers' ids are numbers, so no id matches`,
    );
  }
  throw new InvalidSubmission(
    `submission "${sc.name}" was read as numbers, but the answers' ids are text (e.g. ${show(ac.text(0))}), so no id matches`,
  );
}

/** How many leading rows hold equal ids in both columns (same kind, byte-equal text or equal numbers). */
function sameIdPrefix(a: Column, b: Column): number {
  const n = Math.min(a.length, b.length);
  if (a.kind !== b.kind || (a.kind === 'int' && !(a.safeNumbers && b.safeNumbers))) return 0;
  if (a.kind !== 'object') {
    const x = a.numbers(),
      y = b.numbers();
    let i = 0;
    while (i < n && x[i] === y[i]) i++;
    return i;
  }
  const ab = a.table.buf,
    bb = b.table.buf;
  const as = a.raw.starts,
    ae = a.raw.ends,
    af = a.raw.flags,
    bs = b.raw.starts,
    be = b.raw.ends,
    bf = b.raw.flags;
  let i = 0;
  for (; i < n; i++) {
    if (af[i] === 2 || bf[i] === 2 || a.isNA(i) || b.isNA(i)) break; // escaped quotes or NaN: leave to the index
    const len = ae[i]! - as[i]!;
    if (len !== be[i]! - bs[i]!) break;
    let k = 0;
    const sa = as[i]!,
      sb = bs[i]!;
    while (k < len && ab[sa + k] === bb[sb + k]) k++;
    if (k < len) break;
  }
  return i;
}

export interface Alignment {
  /** Answer rows in pandas-sorted id order (the order MLE-bench's graders iterate). */
  ansRows: Uint32Array;
  /** The submission row paired with each entry of ansRows. */
  subRows: Uint32Array;
}

/**
 * "Sort both by id, then the id columns must be equal element-wise" — i.e. the two id columns
 * hold the same multiset. Rows are paired by id and listed in the answers' sorted order, the
 * order MLE-bench sums in: rows in the answers' order pair by a sequential comparison; otherwise,
 * in sorted order, both columns are sorted and compared; metrics that only count (accuracy, AUC,
 * kappa, F1 …) pass order "any" and pair through a hash index without sorting. Ids that differ
 * go through the index too, which names the row and id (InvalidSubmission).
 */
export function alignById(
  sub: Table,
  ans: Table,
  subId: string,
  ansId = subId,
  order: 'sorted' | 'any' = 'sorted',
): Alignment {
  const sc = subCol(sub, subId);
  const ac = ansCol(ans, ansId);
  if (sub.rowCount !== ans.rowCount)
    throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
  if (sub.rowCount > 0) requireComparableIds(sc, ac);
  const pairOf = new Int32Array(ans.rowCount).fill(-1);
  // Most submissions keep the answers' (sample submission's) row order: pair those rows by a
  // sequential comparison and hash only from the first row that differs.
  let i = sameIdPrefix(sc, ac);
  if (i < sub.rowCount && order === 'sorted') {
    const subRows = pairBySorting(sc, ac);
    if (subRows) return { ansRows: sortOrder(ac), subRows };
  }
  for (let k = 0; k < i; k++) pairOf[k] = k;
  const index = i < sub.rowCount ? IdIndex.of(ac) : null;
  const found = index ? index.lookupAll(sc) : null;
  for (; i < sub.rowCount; i++) {
    if (!index) break;
    let r = found![i]!;
    if (r < 0) {
      if (sc.isNA(i)) throw new InvalidSubmission(`submission "${subId}" is empty on row ${rowNo(i)}`);
      throw new InvalidSubmission(
        `submission "${subId}" ${show(sc.text(i))} on row ${rowNo(i)} is not among the answers' ids`,
      );
    }
    while (r >= 0 && pairOf[r] !== -1) r = index.next[r]!;
    if (r < 0)
      throw new InvalidSubmission(
        `submission "${subId}" ${show(sc.text(i))} appears more than once (again on row ${rowNo(i)})`,
      );
    pairOf[r] = i;
  }
  const ansRows = order === 'sorted' ? sortOrder(ac) : identity(ans.rowCount);
  const subRows = new Uint32Array(ansRows.length);
  for (let j = 0; j < ansRows.length; j++) subRows[j] = pairOf[ansRows[j]!]!;
  return { ansRows, subRows };
}

/** `set(sub[id]) == set(ans[id])`, with a message naming one id on either side that differs. */
export function requireSameIdSet(
  sub: Table,
  ans: Table,
  subId: string,
  ansId = subId,
  what = `"${subId}" values`,
): void {
  const sc = subCol(sub, subId);
  const ac = ansCol(ans, ansId);
  if (sub.rowCount > 0 && ans.rowCount > 0) requireComparableIds(sc, ac);
  const index = IdIndex.of(ac);
  const found = index.lookupAll(sc);
  const seen = new Uint8Array(ans.rowCount);
  let distinct = 0;
  for (let i = 0; i < sub.rowCount; i++) {
    const r = found[i]!;
    if (r < 0)
      throw new InvalidSubmission(
        `submission ${what} differ from the answers: ${show(sc.text(i))} on row ${rowNo(i)} is not in the answers`,
      );
    if (!seen[r]) {
      seen[r] = 1;
      distinct++;
    }
  }
  if (distinct !== index.distinct) {
    for (let r = 0; r < ans.rowCount; r++) {
      if (ac.isNA(r)) continue;
      const head = index.find(ac, r);
      if (head === r && !seen[r])
        throw new InvalidSubmission(
          `submission ${what} differ from the answers: ${show(ac.text(r))} is missing`,
        );
    }
  }
}

/** Numeric values of a submission column, or InvalidSubmission naming the first non-number. */
export function numericSub(col: Column, what = `"${col.name}"`): Float64Array {
  const r = col.toNumeric();
  if (!r.ok)
    throw new InvalidSubmission(
      `submission ${what} must be numeric: row ${rowNo(r.row)} holds ${show(r.value)}`,
    );
  return r.values;
}

/** Numeric values of an answers column (operator error when not numeric). */
export function numericAns(col: Column): Float64Array {
  const r = col.toNumeric();
  if (!r.ok)
    throw new AnswersError(
      `${col.table.source}: answers column "${col.name}" is not numeric (row ${rowNo(r.row)}: ${show(r.value)})`,
    );
  return r.values;
}

/** Gathers values at the given rows. */
export function gather(values: ArrayLike<number>, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

/** 0, 1, …, n − 1. */
function identity(n: number): Uint32Array {
  const r = new Uint32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}
