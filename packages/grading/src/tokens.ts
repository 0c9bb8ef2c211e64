import type { Column } from './csv/table.js';
import { FIELD_QUOTED_COMPLEX } from './csv/table.js';
import { hashBytes } from './hash.js';

const NAN_BYTES = Buffer.from('nan');
const SPACE = 0x20;

/**
 * Interns byte strings (UTF-8 tokens) as small integers without building JS strings: equal bytes
 * ⇔ equal Python str. Tokens are copied into one arena, so lookups touch only the table and it.
 */
export class TokenDict {
  private slots = new Int32Array(2 * 1024).fill(-1); // (token id, hash) per slot
  private mask = 1023;
  private arena = new Uint8Array(4096);
  private used = 0;
  private starts: number[] = [];
  private lens: number[] = [];

  get size(): number {
    return this.starts.length;
  }

  /** The id of buf[start, end), or -1 when it was never added. */
  find(buf: Uint8Array, start: number, end: number): number {
    const h = hashBytes(buf, start, end);
    const slots = this.slots,
      mask = this.mask,
      len = end - start;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const id = slots[2 * s]!;
      if (id < 0) return -1;
      if (slots[2 * s + 1] === h && this.lens[id] === len && this.equal(id, buf, start, len)) return id;
    }
  }

  /** The id of buf[start, end), added if new. */
  add(buf: Uint8Array, start: number, end: number): number {
    const h = hashBytes(buf, start, end);
    const len = end - start;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const id = this.slots[2 * s]!;
      if (id < 0) break;
      if (this.slots[2 * s + 1] === h && this.lens[id] === len && this.equal(id, buf, start, len)) return id;
    }
    const id = this.starts.length;
    if (this.used + len > this.arena.length) {
      const grown = new Uint8Array(Math.max(2 * this.arena.length, this.used + len));
      grown.set(this.arena.subarray(0, this.used));
      this.arena = grown;
    }
    this.arena.set(buf.subarray(start, end), this.used);
    this.starts.push(this.used);
    this.lens.push(len);
    this.used += len;
    if (2 * (id + 1) > this.mask + 1) this.rehash();
    this.place(id, h);
    return id;
  }

  private equal(id: number, buf: Uint8Array, start: number, len: number): boolean {
    const a = this.arena,
      o = this.starts[id]!;
    for (let k = 0; k < len; k++) if (a[o + k] !== buf[start + k]) return false;
    return true;
  }

  private place(id: number, h: number): void {
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      if (this.slots[2 * s]! < 0) {
        this.slots[2 * s] = id;
        this.slots[2 * s + 1] = h;
        return;
      }
    }
  }

  private rehash(): void {
    const cap = 2 * (this.mask + 1);
    this.slots = new Int32Array(2 * cap).fill(-1);
    this.mask = cap - 1;
    for (let id = 0; id < this.starts.length; id++) {
      const o = this.starts[id]!;
      this.place(id, hashBytes(this.arena, o, o + this.lens[id]!));
    }
  }
}

/** Tokens of many rows: row r's token ids are ids[starts[r] … starts[r + 1]). */
export interface RowTokens {
  starts: Int32Array;
  ids: Int32Array;
}

/**
 * `Series.astype(str).str.split(" ")` of a text (object) column, as token ids: a missing cell is
 * "nan", the split is on single spaces (so "a  b" holds an empty token). With `intern` every token
 * is added to `dict`; otherwise a token the dictionary lacks gets id -1. Only the first `limit`
 * tokens of a row are kept (a ranked list truncated to k). Null for non-text columns (their
 * str() is not their bytes).
 */
export function splitTokens(
  col: Column,
  dict: TokenDict,
  intern: boolean,
  limit = Infinity,
): RowTokens | null {
  if (col.kind !== 'object') return null;
  const n = col.length;
  const na = col.naFlags();
  const buf = col.table.buf,
    rs = col.raw.starts,
    re = col.raw.ends,
    flags = col.raw.flags;
  const starts = new Int32Array(n + 1);
  let ids = new Int32Array(Math.max(16, n));
  let count = 0;
  for (let r = 0; r < n; r++) {
    starts[r] = count;
    let b: Uint8Array = buf,
      s = rs[r]!,
      e = re[r]!;
    if (na[r]) {
      b = NAN_BYTES;
      s = 0;
      e = 3;
    } else if (flags[r] === FIELD_QUOTED_COMPLEX) {
      b = col.complexBytes(r);
      s = 0;
      e = b.length;
    }
    let kept = 0;
    let t = s;
    for (let p = s; p <= e && kept < limit; p++) {
      if (p < e && b[p] !== SPACE) continue;
      if (count === ids.length) {
        const g = new Int32Array(2 * count);
        g.set(ids);
        ids = g;
      }
      ids[count++] = intern ? dict.add(b, t, p) : dict.find(b, t, p);
      kept++;
      t = p + 1;
    }
  }
  starts[n] = count;
  return { starts, ids: ids.subarray(0, count) };
}
