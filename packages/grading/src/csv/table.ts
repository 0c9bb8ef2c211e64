import { decodeField } from './reader.js';
import { pyFloatRepr } from './pystr.js';

export const FIELD_PLAIN = 0;
export const FIELD_QUOTED = 1; // range is the text inside the quotes, no escapes
export const FIELD_QUOTED_COMPLEX = 2; // range is raw (opening quote onwards); decode slowly
export const FIELD_MISSING = 3; // short row: pandas fills NaN

export interface RawColumn {
  starts: Uint32Array;
  ends: Uint32Array;
  flags: Uint8Array;
}

/** The dtype pandas would infer for a column (docs/mlebench-grading.md §Grading a submission: `pd.read_csv`). */
export type Kind = 'int' | 'float' | 'bool' | 'object';

// Token classes.
const NA = 0;
const INT = 1;
const FLOAT = 2;
const BOOL_TRUE = 3;
const BOOL_FALSE = 4;
const OTHER = 5;

/** pandas' default `na_values` (keep_default_na=True). */
const NA_STRINGS = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
]);
/** First letters of the words classify must read: NA spellings, booleans, inf and nan. */
const MAYBE_WORD = new Uint8Array(256);
for (const c of 'NnTtFfIi') MAYBE_WORD[c.charCodeAt(0)] = 1;
const NA_FIRST_BYTES = new Set([...NA_STRINGS].filter((s) => s !== '').map((s) => s.charCodeAt(0)));

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

/** A CSV read once: the bytes plus per-column field offsets; values are decoded on demand. */
export class Table {
  private readonly byName = new Map<string, number>();
  private readonly cols: Column[];
  /** Cache for per-column derived data (e.g. a sort order) shared by graders. */
  readonly memo = new Map<string, unknown>();

  constructor(
    readonly buf: Buffer,
    readonly columns: readonly string[],
    raw: readonly RawColumn[],
    readonly rowCount: number,
    readonly source: string,
  ) {
    columns.forEach((c, i) => this.byName.set(c, i));
    this.cols = raw.map((r, i) => new Column(this, columns[i]!, i, r));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The named column, or undefined. */
  get(name: string): Column | undefined {
    const i = this.byName.get(name);
    return i === undefined ? undefined : this.cols[i];
  }

  at(index: number): Column {
    const c = this.cols[index];
    if (!c) throw new RangeError(`${this.source}: no column at position ${index}`);
    return c;
  }

  get width(): number {
    return this.cols.length;
  }
}

/** One column with pandas' type inference: int64, float64, bool or object (strings + NaN). */
export class Column {
  private cls?: Uint8Array;
  private na?: Uint8Array;
  private nums?: Float64Array;
  private _kind?: Kind;
  private strs?: (string | null)[];
  private decoded?: Map<number, Buffer>;

  constructor(
    readonly table: Table,
    readonly name: string,
    readonly index: number,
    /** Field offsets into `table.buf` (see FIELD_* flags). */
    readonly raw: RawColumn,
  ) {}

  get length(): number {
    return this.raw.starts.length;
  }

  /** The field's text as written (quotes removed); '' for a missing field. */
  text(i: number): string {
    return decodeField(this.table.buf, this.raw.starts[i]!, this.raw.ends[i]!, this.raw.flags[i]!);
  }

  get kind(): Kind {
    this.inferOnce();
    return this._kind!;
  }

  /** Classifies the column's cells on first use (the views below read what it fills in). */
  private inferOnce(): void {
    if (this._kind === undefined) this.infer();
  }

  /**
   * Per row: 1 where the field is missing or an NA token (object columns: exactly the NaN cells).
   * Made once and shared: read only.
   */
  naFlags(): Uint8Array {
    if (!this.na) {
      this.inferOnce();
      const cls = this.cls!;
      const out = new Uint8Array(cls.length);
      for (let i = 0; i < cls.length; i++) out[i] = cls[i] === NA ? 1 : 0;
      this.na = out;
    }
    return this.na;
  }

  /** True where pandas holds NaN/None: an NA token, a missing field, or a float NaN. */
  isNA(i: number): boolean {
    this.inferOnce();
    if (this.cls![i] === NA) return true;
    return this._kind === 'float' && Number.isNaN(this.nums![i]!);
  }

  /** Numeric view (int/float/bool columns; NaN where missing). Object columns: see {@link toNumeric}. */
  numbers(): Float64Array {
    this.inferOnce();
    return (this.nums ??= new Float64Array(this.length).fill(NaN));
  }

  /** `pd.to_numeric`: numbers for every cell, or the first row whose value is not a number. */
  toNumeric(): { ok: true; values: Float64Array } | { ok: false; row: number; value: string } {
    this.inferOnce();
    if (this._kind !== 'object') return { ok: true, values: this.nums! };
    for (let i = 0; i < this.length; i++) {
      const c = this.cls![i]!;
      if (c === OTHER || c === BOOL_TRUE || c === BOOL_FALSE)
        return { ok: false, row: i, value: this.text(i) };
    }
    return { ok: true, values: this.numbers() };
  }

  /** Object-column values (null = NaN); for other kinds the text as written. */
  strings(): (string | null)[] {
    if (!this.strs) {
      this.inferOnce();
      const out = new Array<string | null>(this.length);
      for (let i = 0; i < this.length; i++) out[i] = this.cls![i] === NA ? null : this.text(i);
      this.strs = out;
    }
    return this.strs;
  }

  /** Python `str()` of the pandas value, as `Series.astype(str)` gives it ("nan" for NaN, "1.0" for floats). */
  pyStr(i: number): string {
    const k = this.kind;
    if (k === 'object') return this.cls![i] === NA ? 'nan' : this.text(i);
    if (k === 'bool') return this.nums![i] === 1 ? 'True' : 'False';
    if (k === 'int') return canonicalInt(this.text(i).trim());
    return pyFloatRepr(this.nums![i]!);
  }

  /** Value used to match ids across tables: numbers compare numerically (1 == 1.0), strings exactly. */
  key(i: number): number | string {
    const k = this.kind;
    if (k === 'object') return this.cls![i] === NA ? NaN : this.text(i);
    if (k === 'int' && !Number.isSafeInteger(this.nums![i]!))
      return `\u0000int:${canonicalInt(this.text(i).trim())}`;
    return this.nums![i]!;
  }

  /**
   * The field's UTF-8 bytes as a (buffer, start, end) view for hashing and equality without
   * building strings; null for a missing value. Fields with escaped quotes are decoded once.
   */
  bytes(i: number): [Buffer, number, number] | null {
    this.inferOnce();
    if (this.cls![i] === NA) return null;
    const flag = this.raw.flags[i]!;
    if (flag !== FIELD_QUOTED_COMPLEX) return [this.table.buf, this.raw.starts[i]!, this.raw.ends[i]!];
    this.decoded ??= new Map();
    let b = this.decoded.get(i);
    if (!b) this.decoded.set(i, (b = Buffer.from(this.text(i), 'utf8')));
    return [b, 0, b.length];
  }

  /** Decoded bytes of a field written with escaped quotes (FIELD_QUOTED_COMPLEX), cached. */
  complexBytes(i: number): Buffer {
    this.decoded ??= new Map();
    let b = this.decoded.get(i);
    if (!b) this.decoded.set(i, (b = Buffer.from(this.text(i), 'utf8')));
    return b;
  }

  /** Whether every int in this column fits a double exactly (ids beyond 2^53 need exact digits). */
  get safeNumbers(): boolean {
    if (this.kind !== 'int') return true;
    const v = this.nums!;
    for (let i = 0; i < v.length; i++) if (!Number.isSafeInteger(v[i]!)) return false;
    return true;
  }

  /** The pandas value: number (int/float, NaN for missing), boolean, or string/null. */
  value(i: number): number | boolean | string | null {
    const k = this.kind;
    if (k === 'object') return this.cls![i] === NA ? null : this.text(i);
    if (k === 'bool') return this.nums![i] === 1;
    return this.nums![i]!;
  }

  private infer(): void {
    const n = this.length;
    const cls = new Uint8Array(n);
    // Values are kept from the first field that has one: a column of text alone needs no array.
    let nums: Float64Array | null = null;
    const { starts, ends, flags } = this.raw;
    const buf = this.table.buf;
    const counts = new Int32Array(OTHER + 1); // by class: no branch per field
    for (let i = 0; i < n; i++) {
      const c = classify(buf, starts[i]!, ends[i]!, flags[i]!, FIELD_VALUE, 0);
      cls[i] = c;
      counts[c]!++;
      if (nums !== null) nums[i] = FIELD_VALUE[0]!;
      else if (c !== OTHER && c !== NA) {
        nums = new Float64Array(n).fill(NaN, 0, i);
        nums[i] = FIELD_VALUE[0]!;
      }
    }
    const nNA = counts[NA]!,
      nInt = counts[INT]!,
      nFloat = counts[FLOAT]!,
      nBool = counts[BOOL_TRUE]! + counts[BOOL_FALSE]!,
      nOther = counts[OTHER]!;
    this.cls = cls;
    let kind: Kind;
    if (nOther > 0 || (nBool > 0 && (nInt + nFloat > 0 || nNA > 0))) kind = 'object';
    else if (nBool > 0) kind = 'bool';
    else if (nInt > 0 && nFloat === 0 && nNA === 0) kind = 'int';
    else kind = 'float'; // all-NaN columns are float64 too
    if (kind === 'object' && nums !== null) {
      // pandas keeps the text of numbers in object columns; nums stays as a to_numeric view.
      for (let i = 0; i < n; i++)
        if (cls[i] === BOOL_TRUE || cls[i] === BOOL_FALSE || cls[i] === OTHER) nums[i] = NaN;
    }
    // Text alone: the to_numeric view is all NaN, made when asked for.
    if (nums !== null || kind !== 'object') this.nums = nums ?? new Float64Array(n).fill(NaN);
    this._kind = kind;
  }
}

/** Where {@link classify} leaves the value of the field it read. */
const FIELD_VALUE = new Float64Array(1);

/** Classifies one field and stores its numeric value (NaN when not a number). */
function classify(
  buf: Buffer,
  start: number,
  end: number,
  flag: number,
  nums: Float64Array,
  i: number,
): number {
  if (flag === FIELD_MISSING || start === end) {
    nums[i] = NaN;
    return NA;
  }
  if (flag === FIELD_QUOTED_COMPLEX) return classifyText(decodeField(buf, start, end, flag), nums, i);
  const b0 = buf[start]!;
  // Text that starts with a letter and is no NA spelling, boolean, inf or nan (those are at most
  // 8 letters long, begin with N, n, T, t, F, f, I or i, and may have spaces after them).
  if (((b0 | 0x20) >= 0x61 && (b0 | 0x20) <= 0x7a) || b0 === 0x5f) {
    const last = buf[end - 1]!;
    if (last !== 0x20 && last !== 0x09 && (end - start > 8 || !(MAYBE_WORD[b0]! === 1))) {
      nums[i] = NaN;
      return OTHER;
    }
  }
  // Fastest path: [+-]?digits[.digits] with at most 15 digits in all, so the digits are an exact
  // integer and one division by an exact power of ten rounds the value correctly.
  {
    let p = b0 === 0x2d || b0 === 0x2b ? start + 1 : start;
    let mant = 0,
      nd = 0,
      fd = -1;
    for (; p < end; p++) {
      const d = buf[p]! - 0x30;
      if (d < 0 || d > 9) break;
      mant = mant * 10 + d;
      nd++;
    }
    if (p < end && buf[p] === 0x2e) {
      const f0 = ++p;
      for (; p < end; p++) {
        const d = buf[p]! - 0x30;
        if (d < 0 || d > 9) break;
        mant = mant * 10 + d;
        nd++;
      }
      fd = p - f0;
    }
    if (p === end && nd > 0 && nd <= 15) {
      const v = fd < 0 ? mant : mant / POW10[fd]!;
      nums[i] = b0 === 0x2d ? -v : v;
      return fd < 0 ? INT : FLOAT;
    }
  }
  // Fast path: [+-]?digits[.digits][e[+-]digits] without surrounding spaces.
  let p = start;
  let neg = false;
  if (b0 === 0x2d || b0 === 0x2b) {
    neg = b0 === 0x2d;
    p++;
  }
  let mant = 0;
  let digits = 0; // significant digits accumulated
  let anyDigit = false;
  let exp10 = 0;
  let exact = true;
  while (p < end) {
    const d = buf[p]! - 0x30;
    if (d < 0 || d > 9) break;
    anyDigit = true;
    if (mant === 0 && d === 0) {
      p++;
      continue;
    }
    if (digits < 15) {
      mant = mant * 10 + d;
      digits++;
    } else {
      exact = false;
      exp10++;
    }
    p++;
  }
  let isFloat = false;
  if (p < end && buf[p] === 0x2e) {
    isFloat = true;
    p++;
    while (p < end) {
      const d = buf[p]! - 0x30;
      if (d < 0 || d > 9) break;
      anyDigit = true;
      if (mant === 0 && d === 0) {
        exp10--;
        p++;
        continue;
      }
      if (digits < 15) {
        mant = mant * 10 + d;
        digits++;
        exp10--;
      } else if (d !== 0) exact = false;
      p++;
    }
  }
  if (anyDigit && p < end && (buf[p] === 0x65 || buf[p] === 0x45)) {
    let q = p + 1;
    let eneg = false;
    if (q < end && (buf[q] === 0x2d || buf[q] === 0x2b)) {
      eneg = buf[q] === 0x2d;
      q++;
    }
    let e = 0;
    let eDigits = 0;
    while (q < end) {
      const d = buf[q]! - 0x30;
      if (d < 0 || d > 9) break;
      if (e < 100000) e = e * 10 + d;
      eDigits++;
      q++;
    }
    if (eDigits > 0) {
      isFloat = true;
      exp10 += eneg ? -e : e;
      p = q;
    }
  }
  if (anyDigit && p === end) {
    if (!isFloat) {
      // Integer token: exact while it fits 15 digits; otherwise let Number/BigInt decide.
      if (exact && digits <= 15 && exp10 === 0) {
        nums[i] = neg ? -mant : mant;
        return INT;
      }
      const text = buf.toString('latin1', start, end);
      const big = BigInt(text);
      if (big > 9223372036854775807n || big < -9223372036854775808n) {
        nums[i] = Number(text);
        return FLOAT; // beyond int64: pandas falls back to a float64 (or uint64) column
      }
      nums[i] = Number(text);
      return INT;
    }
    if (exact && exp10 >= -22 && exp10 <= 22) {
      const v = exp10 >= 0 ? mant * POW10[exp10]! : mant / POW10[-exp10]!;
      if (exp10 < 0 || v <= Number.MAX_SAFE_INTEGER) {
        nums[i] = neg ? -v : v;
        return FLOAT;
      }
    }
    nums[i] = Number(buf.toString('latin1', start, end));
    return FLOAT;
  }
  // Not a plain number: NA spellings, booleans, padded numbers and inf/nan go the slow way; any
  // other text is a string without building one here.
  const len = end - start;
  if (len <= 8 && NA_FIRST_BYTES.has(b0) && NA_STRINGS.has(buf.toString('latin1', start, end))) {
    nums[i] = NaN;
    return NA;
  }
  const last = buf[end - 1]!;
  const first = b0 === 0x2d || b0 === 0x2b ? buf[start + 1] : b0;
  if (
    b0 === 0x20 ||
    b0 === 0x09 ||
    last === 0x20 ||
    last === 0x09 ||
    ((len === 4 || len === 5) && (b0 === 0x54 || b0 === 0x74 || b0 === 0x46 || b0 === 0x66)) ||
    ((first === 0x69 || first === 0x49 || first === 0x6e || first === 0x4e) &&
      isInfOrNan(buf, b0 === first ? start : start + 1, end))
  ) {
    return classifyText(buf.toString('utf8', start, end), nums, i);
  }
  nums[i] = NaN;
  return OTHER;
}

/** Case-insensitive "inf", "infinity" or "nan" in buf[start, end). */
function isInfOrNan(buf: Buffer, start: number, end: number): boolean {
  const len = end - start;
  if (len !== 3 && len !== 8) return false;
  const word = len === 3 ? ((buf[start]! | 0x20) === 0x6e ? 'nan' : 'inf') : 'infinity';
  for (let k = 0; k < len; k++) if ((buf[start + k]! | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$/;
const SPECIAL_RE = /^([+-]?)(inf|infinity|nan)$/i;

/** Slow path: text with spaces, quotes with escapes, inf/nan spellings, booleans, other strings. */
function classifyText(text: string, nums: Float64Array, i: number): number {
  if (NA_STRINGS.has(text)) {
    nums[i] = NaN;
    return NA;
  }
  if (text === 'True' || text === 'TRUE' || text === 'true') {
    nums[i] = 1;
    return BOOL_TRUE;
  }
  if (text === 'False' || text === 'FALSE' || text === 'false') {
    nums[i] = 0;
    return BOOL_FALSE;
  }
  const t = text.trim();
  if (t !== '' && INT_RE.test(t)) {
    const big = BigInt(t);
    nums[i] = Number(t);
    return big > 9223372036854775807n || big < -9223372036854775808n ? FLOAT : INT;
  }
  if (t !== '' && FLOAT_RE.test(t)) {
    nums[i] = Number(t);
    return FLOAT;
  }
  const m = SPECIAL_RE.exec(t);
  if (m) {
    nums[i] = m[2]!.toLowerCase() === 'nan' ? NaN : m[1] === '-' ? -Infinity : Infinity;
    return FLOAT;
  }
  nums[i] = NaN;
  return OTHER;
}

/** Python's str() of an int64 token: sign and leading zeros normalised. */
function canonicalInt(t: string): string {
  return BigInt(t).toString();
}
