import type { Column } from './csv/table.js';
import { FIELD_QUOTED_COMPLEX } from './csv/table.js';

const EMPTY = -1;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** murmur3's finaliser: every input bit reaches the low bits the table is indexed by. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hashNumber(x: number): number {
  f64[0] = x === 0 ? 0 : x; // -0 and 0 are the same id
  return fmix32(u32[0]! ^ fmix32(u32[1]!)) | 0;
}

function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let p = start; p < end; p++) h = Math.imul(h ^ buf[p]!, 0x01000193);
  return fmix32(h) | 0;
}

function sameBytes(a: Uint8Array, sa: number, b: Uint8Array, sb: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (a[sa + k] !== b[sb + k]) return false;
  return true;
}

type Mode = 'num' | 'bytes' | 'map';

// Slot layout (4 int32 per slot, one cache line holds a slot and what is needed to verify it):
// row of the first occurrence, 32-bit hash, byte offset of the id (−1: decoded copy), byte length.
const W = 4;

/**
 * Open-addressing hash index over one id column: numbers are matched numerically (1 == 1.0, as
 * pandas compares an int64 column with a float64 one), text by its bytes, and text never matches
 * a number. Rows sharing an id are chained in row order. Built once per column and cached.
 */
export class IdIndex {
  private readonly mode: Mode;
  private readonly slots: Int32Array;
  private readonly mask: number;
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
    this.mode = col.kind === 'object' ? 'bytes' : col.safeNumbers ? 'num' : 'map';
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
        if (head === undefined) { this.map.set(k, i); tail[i] = i; distinct++; }
        else { this.next[tail[head]!] = i; tail[head] = i; }
      }
      this.distinct = distinct;
      return;
    }
    let cap = 16;
    while (cap < 2 * n) cap *= 2;
    const slots = new Int32Array(W * cap).fill(EMPTY);
    const mask = cap - 1;
    this.slots = slots;
    this.mask = mask;
    const nums = this.mode === 'num' ? col.numbers() : null;
    const buf = col.table.buf, starts = col.raw.starts, ends = col.raw.ends, flags = col.raw.flags;
    for (let i = 0; i < n; i++) {
      let h: number;
      let kb: Uint8Array = buf, ks = 0, kl = 0;
      if (nums) {
        const x = nums[i]!;
        if (x !== x) continue; // NaN ids never match
        h = hashNumber(x);
      } else {
        if (col.isNA(i)) continue;
        if (flags[i] === FIELD_QUOTED_COMPLEX) { kb = col.complexBytes(i); ks = -1; kl = kb.length; }
        else { ks = starts[i]!; kl = ends[i]! - ks; }
        h = hashBytes(kb, ks < 0 ? 0 : ks, (ks < 0 ? 0 : ks) + kl);
      }
      for (let s = h & mask; ; s = (s + 1) & mask) {
        const o = W * s;
        const head = slots[o]!;
        if (head === EMPTY) {
          slots[o] = i; slots[o + 1] = h; slots[o + 2] = ks; slots[o + 3] = kl;
          tail[i] = i;
          distinct++;
          break;
        }
        if (slots[o + 1] !== h) continue;
        const same = nums ? nums[head] === nums[i] : this.slotBytesEqual(o, kb, ks < 0 ? 0 : ks, kl);
        if (same) {
          this.next[tail[head]!] = i;
          tail[head] = i;
          break;
        }
      }
    }
    this.distinct = distinct;
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
    if (this.mode === 'num') {
      if (other.kind === 'object') return EMPTY;
      const x = other.numbers()[i]!;
      if (x !== x) return EMPTY;
      const nums = this.col.numbers();
      const slots = this.slots;
      const h = hashNumber(x);
      for (let s = h & mask; ; s = (s + 1) & mask) {
        const head = slots[W * s]!;
        if (head === EMPTY) return EMPTY;
        if (slots[W * s + 1] === h && nums[head] === x) return head;
      }
    }
    if (this.mode === 'map') return this.map!.get(other.key(i)) ?? EMPTY;
    if (other.kind !== 'object' || other.isNA(i)) return EMPTY;
    let b: Uint8Array, start: number, len: number;
    if (other.raw.flags[i] === FIELD_QUOTED_COMPLEX) { b = other.complexBytes(i); start = 0; len = b.length; }
    else { b = other.table.buf; start = other.raw.starts[i]!; len = other.raw.ends[i]! - start; }
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
