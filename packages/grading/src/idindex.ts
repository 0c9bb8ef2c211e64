import type { Column } from './csv/table.js';
import { FIELD_QUOTED_COMPLEX } from './csv/table.js';
import { hashBytes } from './hash.js';
import { PackedTable } from './packedtable.js';

const EMPTY = -1;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/**
 * The prefix every id of a text column shares and the 32-bit words its longest remainder needs
 * (more than MAX_PACKED_WORDS: the column is indexed by its bytes instead).
 */
function textShape(col: Column): { prefix: Uint8Array; words: number } {
  let first: Uint8Array | null = null;
  let fs = 0,
    lcp = 0;
  let minLen = Infinity,
    maxLen = 0;
  const buf = col.table.buf,
    starts = col.raw.starts,
    ends = col.raw.ends,
    flags = col.raw.flags;
  const na = col.naFlags();
  for (let i = 0; i < col.length; i++) {
    if (na[i]) continue;
    let b: Uint8Array = buf,
      s = starts[i]!,
      len = ends[i]! - s;
    if (flags[i] === FIELD_QUOTED_COMPLEX) {
      b = col.complexBytes(i);
      s = 0;
      len = b.length;
    }
    if (first === null) {
      first = b;
      fs = s;
      lcp = len;
    } else {
      const lim = Math.min(lcp, len);
      let k = 0;
      while (k < lim && b[s + k] === first[fs + k]) k++;
      lcp = k;
    }
    if (len < minLen) minLen = len;
    if (len > maxLen) maxLen = len;
  }
  if (first === null) return { prefix: new Uint8Array(0), words: 1 };
  return { prefix: first.slice(fs, fs + lcp), words: Math.ceil((maxLen - lcp) / 4) };
}

function sameBytes(a: Uint8Array, sa: number, b: Uint8Array, sb: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (a[sa + k] !== b[sb + k]) return false;
  return true;
}

type Mode = 'packed' | 'bytes' | 'map';

// 'bytes' slot layout (4 int32 per slot, one cache line holds a slot and what is needed to verify it):
// row of the first occurrence, 32-bit hash, byte offset of the id (−1: decoded copy), byte length.
const W = 4;

/** Text ids whose bytes after the shared prefix fit this many 32-bit words are packed into the slot. */
const MAX_PACKED_WORDS = 4;

/**
 * Open-addressing hash index over one id column: numbers are matched numerically (1 == 1.0, as
 * pandas compares an int64 column with a float64 one), text by its bytes, and text never matches
 * a number. Rows sharing an id are chained in row order. Built once per column and cached.
 *
 * Most id columns are packed: each slot holds the whole key (a number's float64 bits with −0 as 0,
 * or a text id's length and its bytes after the prefix every id shares, up to 16), so a lookup
 * touches one slot and never the answers' bytes. Longer text ids are verified against the bytes.
 */
export class IdIndex {
  private readonly mode: Mode;
  private readonly slots: Int32Array;
  private readonly mask: number;
  /** Packed mode: the table of keys and the 32-bit words of one key (after its length). */
  private readonly table?: PackedTable;
  private readonly words: number = 0;
  /** Packed text: the bytes every id starts with (null: numeric ids). */
  private readonly prefix: Uint8Array | null = null;
  /** Next row with the same id (in row order), or -1. */
  readonly next: Int32Array;
  /** Number of distinct ids (missing values excluded). */
  readonly distinct: number;
  private readonly map?: Map<number | string, number>;

  static of(col: Column): IdIndex {
    const key = `idindex:${col.index}`;
    let idx = col.table.memo.get(key) as IdIndex | undefined;
    if (!idx) col.table.memo.set(key, (idx = new IdIndex(col)));
    return idx;
  }

  private constructor(private readonly col: Column) {
    const n = col.length;
    const text = col.kind === 'object';
    const shape = text ? textShape(col) : null;
    this.mode = text
      ? shape!.words <= MAX_PACKED_WORDS
        ? 'packed'
        : 'bytes'
      : col.safeNumbers
        ? 'packed'
        : 'map';
    this.next = new Int32Array(n).fill(EMPTY);
    const tail = new Int32Array(n).fill(EMPTY);
    let distinct = 0;
    if (this.mode === 'map') {
      this.map = new Map();
      this.slots = new Int32Array(0);
      this.mask = 0;
      for (let i = 0; i < n; i++) {
        const k = col.key(i);
        if (typeof k === 'number' && k !== k) continue;
        const head = this.map.get(k);
        if (head === undefined) {
          this.map.set(k, i);
          tail[i] = i;
          distinct++;
        } else {
          this.next[tail[head]!] = i;
          tail[head] = i;
        }
      }
      this.distinct = distinct;
      return;
    }
    let cap = 16;
    while (cap < 2 * n) cap *= 2;
    const mask = cap - 1;
    this.mask = mask;
    if (this.mode === 'packed') {
      this.words = text ? Math.max(1, shape!.words) : 2;
      this.prefix = text ? shape!.prefix : null;
      this.slots = new Int32Array(0);
      this.table = new PackedTable(this.keysOf(col), this.words, this.next);
      this.distinct = this.table.distinct;
      return;
    }
    const slots = new Int32Array(W * cap).fill(EMPTY);
    this.slots = slots;
    const buf = col.table.buf,
      starts = col.raw.starts,
      ends = col.raw.ends,
      flags = col.raw.flags;
    for (let i = 0; i < n; i++) {
      let kb: Uint8Array = buf,
        ks = 0,
        kl = 0;
      if (col.isNA(i)) continue;
      if (flags[i] === FIELD_QUOTED_COMPLEX) {
        kb = col.complexBytes(i);
        ks = -1;
        kl = kb.length;
      } else {
        ks = starts[i]!;
        kl = ends[i]! - ks;
      }
      const h = hashBytes(kb, ks < 0 ? 0 : ks, (ks < 0 ? 0 : ks) + kl);
      for (let s = h & mask; ; s = (s + 1) & mask) {
        const o = W * s;
        const head = slots[o]!;
        if (head === EMPTY) {
          slots[o] = i;
          slots[o + 1] = h;
          slots[o + 2] = ks;
          slots[o + 3] = kl;
          tail[i] = i;
          distinct++;
          break;
        }
        if (slots[o + 1] !== h) continue;
        if (this.slotBytesEqual(o, kb, ks < 0 ? 0 : ks, kl)) {
          this.next[tail[head]!] = i;
          tail[head] = i;
          break;
        }
      }
    }
    this.distinct = distinct;
  }

  /**
   * Every row of `col` packed as [length, word …] (words + 1 int32 per row); the length is −1 where
   * the row cannot equal any packed id (missing, NaN, text against numbers, another prefix, too long).
   */
  private keysOf(col: Column): Int32Array {
    const n = col.length,
      words = this.words,
      kw = words + 1;
    const keys = new Int32Array(kw * n);
    if (this.prefix === null) {
      if (col.kind === 'object') return keys.fill(EMPTY);
      const nums = col.numbers();
      for (let i = 0; i < n; i++) {
        const x = nums[i]!;
        if (x !== x) {
          keys[kw * i] = EMPTY;
          continue;
        }
        f64[0] = x === 0 ? 0 : x; // -0 and 0 are the same id
        keys[kw * i + 1] = u32[0]! | 0;
        keys[kw * i + 2] = u32[1]! | 0;
      }
      return keys;
    }
    if (col.kind !== 'object') return keys.fill(EMPTY);
    const na = col.naFlags();
    const buf = col.table.buf,
      starts = col.raw.starts,
      ends = col.raw.ends,
      flags = col.raw.flags;
    const prefix = this.prefix,
      plen = prefix.length,
      maxLen = 4 * words;
    for (let i = 0; i < n; i++) {
      const ko = kw * i;
      if (na[i]) {
        keys[ko] = EMPTY;
        continue;
      }
      let b: Uint8Array = buf,
        start = starts[i]!,
        end = ends[i]!;
      if (flags[i] === FIELD_QUOTED_COMPLEX) {
        b = col.complexBytes(i);
        start = 0;
        end = b.length;
      }
      const len = end - start - plen;
      let ok = len >= 0 && len <= maxLen;
      for (let k = 0; ok && k < plen; k++) if (b[start + k] !== prefix[k]) ok = false;
      if (!ok) {
        keys[ko] = EMPTY;
        continue;
      }
      keys[ko] = len;
      let p = start + plen;
      for (let w = 1; w <= words; w++) {
        let v = 0;
        if (p + 4 <= end) {
          v = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
          p += 4;
        } else for (let k = 0; p < end; k++, p++) v |= b[p]! << (8 * k);
        keys[ko + w] = v;
      }
    }
    return keys;
  }

  /** For every row of `other`: the first row of this column holding the same id, or -1 (cached per column). */
  lookupAll(other: Column): Int32Array {
    const memoKey = `idlookup:${other.index}`;
    const hit = other.table.memo.get(memoKey) as { of: IdIndex; rows: Int32Array } | undefined;
    if (hit && hit.of === this) return hit.rows;
    const rows = this.computeLookup(other);
    other.table.memo.set(memoKey, { of: this, rows });
    return rows;
  }

  private computeLookup(other: Column): Int32Array {
    if (this.table) return this.table.lookup(this.keysOf(other));
    const out = new Int32Array(other.length);
    for (let i = 0; i < other.length; i++) out[i] = this.find(other, i);
    return out;
  }

  private slotBytesEqual(o: number, b: Uint8Array, start: number, len: number): boolean {
    const s = this.slots;
    if (s[o + 3] !== len) return false;
    const off = s[o + 2]!;
    if (off < 0) return sameBytes(this.col.complexBytes(s[o]!), 0, b, start, len);
    return sameBytes(this.col.table.buf, off, b, start, len);
  }

  /** First row of this column whose id equals row `i` of `other`, or -1. */
  find(other: Column, i: number): number {
    const mask = this.mask;
    // Packed lookups go through the whole column once (cached per column it is asked about).
    if (this.mode === 'packed') return this.lookupAll(other)[i]!;
    if (this.mode === 'map') return this.map!.get(other.key(i)) ?? EMPTY;
    if (other.kind !== 'object' || other.isNA(i)) return EMPTY;
    let b: Uint8Array, start: number, len: number;
    if (other.raw.flags[i] === FIELD_QUOTED_COMPLEX) {
      b = other.complexBytes(i);
      start = 0;
      len = b.length;
    } else {
      b = other.table.buf;
      start = other.raw.starts[i]!;
      len = other.raw.ends[i]! - start;
    }
    const h = hashBytes(b, start, start + len);
    const slots = this.slots;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const o = W * s;
      const head = slots[o]!;
      if (head === EMPTY) return EMPTY;
      if (slots[o + 1] === h && this.slotBytesEqual(o, b, start, len)) return head;
    }
  }
}
