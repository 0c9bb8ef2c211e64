/**
 * A hash table of fixed-width integer keys (one key per row: [length, word …], length −1 = no key)
 * built and probed partition by partition: rows are first grouped by the top bits of their hash
 * (a sequential pass and a scatter into a few hundred streams), then each partition's table — a
 * few thousand slots, small enough to stay in the CPU cache — is built or probed on its own. A
 * plain table of 10^6 ids costs a cache miss per row; this costs a few sequential passes.
 */

import { fmix32 } from './hash.js';

const EMPTY = -1;
/** Rows per partition aimed at: its table (2–4 slots a row, 16–24 bytes a slot) stays in cache. */
const PARTITION_ROWS = 2048;

/** Hash of the key at keys[ko …] ([length, word …]). */
function hashKeyAt(keys: Int32Array, ko: number, words: number): number {
  let h = fmix32(keys[ko]! ^ 0x9e3779b9);
  for (let w = 1; w <= words; w++) h = fmix32(h ^ keys[ko + w]!);
  return h | 0;
}

/** Rows with a key, grouped by partition (row order kept within each), with their hashes and keys. */
interface Partitioned {
  /** Partition p holds entries offsets[p] … offsets[p + 1]. */
  offsets: Int32Array;
  rows: Int32Array;
  hashes: Int32Array;
  keys: Int32Array;
}

function partition(keys: Int32Array, words: number, bits: number): Partitioned {
  const kw = words + 1,
    n = keys.length / kw,
    parts = 1 << bits,
    shift = 32 - bits;
  const hashes = new Int32Array(n);
  const offsets = new Int32Array(parts + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (keys[kw * i] === EMPTY) continue;
    const h = hashKeyAt(keys, kw * i, words);
    hashes[i] = h;
    offsets[(bits === 0 ? 0 : h >>> shift) + 1]!++;
    total++;
  }
  for (let p = 0; p < parts; p++) offsets[p + 1]! += offsets[p]!;
  const cursor = offsets.slice(0, parts);
  const out: Partitioned = {
    offsets,
    rows: new Int32Array(total),
    hashes: new Int32Array(total),
    keys: new Int32Array(total * kw),
  };
  for (let i = 0; i < n; i++) {
    const ko = kw * i;
    if (keys[ko] === EMPTY) continue;
    const h = hashes[i]!;
    const at = cursor[bits === 0 ? 0 : h >>> shift]!++;
    out.rows[at] = i;
    out.hashes[at] = h;
    for (let w = 0; w < kw; w++) out.keys[at * kw + w] = keys[ko + w]!;
  }
  return out;
}

/** Slot layout: first row, last row of the chain so far, then the key ([length, word …]). */
export class PackedTable {
  private readonly bits: number;
  private readonly width: number;
  /** Partition p's slots: slotStart[p] … slotStart[p + 1] (a power of two in size). */
  private readonly slotStart: Int32Array;
  private readonly slots: Int32Array;
  /** Number of distinct keys. */
  readonly distinct: number;

  /**
   * Indexes every row's key; `next` (one entry per row, filled with −1) receives the chains of
   * rows sharing a key, in row order.
   */
  constructor(
    keys: Int32Array,
    private readonly words: number,
    next: Int32Array,
  ) {
    const kw = words + 1,
      n = keys.length / kw;
    let bits = 0;
    while (n >> bits > PARTITION_ROWS && bits < 12) bits++;
    this.bits = bits;
    this.width = 2 + kw;
    const part = partition(keys, words, bits);
    const parts = 1 << bits;
    this.slotStart = new Int32Array(parts + 1);
    for (let p = 0; p < parts; p++) {
      let cap = 2;
      while (cap < 2 * (part.offsets[p + 1]! - part.offsets[p]!)) cap *= 2;
      this.slotStart[p + 1] = this.slotStart[p]! + cap;
    }
    const width = this.width;
    const slots = (this.slots = new Int32Array(width * this.slotStart[parts]!).fill(EMPTY));
    let distinct = 0;
    for (let p = 0; p < parts; p++) {
      const base = this.slotStart[p]!,
        mask = this.slotStart[p + 1]! - base - 1;
      for (let at = part.offsets[p]!; at < part.offsets[p + 1]!; at++) {
        const row = part.rows[at]!,
          ko = at * kw;
        for (let s = part.hashes[at]! & mask; ; s = (s + 1) & mask) {
          const o = width * (base + s);
          if (slots[o] === EMPTY) {
            slots[o] = row;
            slots[o + 1] = row;
            for (let w = 0; w < kw; w++) slots[o + 2 + w] = part.keys[ko + w]!;
            distinct++;
            break;
          }
          if (sameKey(slots, o, part.keys, ko, kw)) {
            next[slots[o + 1]!] = row;
            slots[o + 1] = row;
            break;
          }
        }
      }
    }
    this.distinct = distinct;
  }

  /** For each row of `keys` (same layout): the first indexed row with an equal key, or −1. */
  lookup(keys: Int32Array): Int32Array {
    const kw = this.words + 1,
      n = keys.length / kw,
      width = this.width,
      slots = this.slots;
    const out = new Int32Array(n).fill(EMPTY);
    const part = partition(keys, this.words, this.bits);
    for (let p = 0; p < 1 << this.bits; p++) {
      const base = this.slotStart[p]!,
        mask = this.slotStart[p + 1]! - base - 1;
      for (let at = part.offsets[p]!; at < part.offsets[p + 1]!; at++) {
        const ko = at * kw;
        for (let s = part.hashes[at]! & mask; ; s = (s + 1) & mask) {
          const o = width * (base + s);
          const head = slots[o]!;
          if (head === EMPTY) break;
          if (sameKey(slots, o, part.keys, ko, kw)) {
            out[part.rows[at]!] = head;
            break;
          }
        }
      }
    }
    return out;
  }
}

function sameKey(slots: Int32Array, o: number, keys: Int32Array, ko: number, kw: number): boolean {
  for (let w = 0; w < kw; w++) if (slots[o + 2 + w] !== keys[ko + w]) return false;
  return true;
}
