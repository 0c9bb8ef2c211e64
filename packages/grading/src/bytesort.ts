import type { Column } from './csv/table.js';
import { FIELD_QUOTED_COMPLEX } from './csv/table.js';

/** Longest key (after the common prefix) sorted by radix; longer keys use a comparison sort. */
const MAX_RADIX_BYTES = 64;

/**
 * Short keys in sorted order, kept from the sort so that two columns' sorted ids can be compared
 * in one sequential pass: every key is `prefix` + its bytes after the prefix, each byte written as
 * its rank among the bytes in use (`ranks`, 1 …; 0: the key has ended) and packed big-endian into
 * `words[0…]` (entry j belongs to order[j]). Equal entries are equal keys, lengths included.
 */
export interface SortedKeys {
  prefix: Uint8Array;
  ranks: Uint8Array;
  words: Uint32Array[];
  /** Rows without a value (sorted last, not in `words`). */
  missing: number;
}

/** A text column's sorted row order and, when its keys are short, the keys in that order. */
export interface TextSort {
  order: Uint32Array;
  keys: SortedKeys | null;
}

/**
 * Row order of a text column sorted by its UTF-8 bytes — the same order as Python's str
 * comparison (code points) — stable, missing values last (pandas `sort_values`).
 */
export function byteSortOrder(col: Column): Uint32Array {
  return byteSort(col).order;
}

/**
 * {@link byteSortOrder} with the sorted keys (short keys only). Short keys are packed into 32-bit
 * words (see {@link SortedKeys}) and radix-sorted on digits of up to 12 bits; longer ones get an LSD radix
 * sort on two-byte digits (each byte shifted by one so that "end of text" sorts first), the
 * longest a comparison sort.
 */
export function byteSort(col: Column): TextSort {
  const n = col.length;
  const buf = col.table.buf,
    flags = col.raw.flags;
  let starts = col.raw.starts,
    ends = col.raw.ends;
  // A key's bytes are the file's, or for a field with escaped quotes a decoded copy (cached on the
  // column) whose offsets replace the file's in copies of starts/ends.
  const anyComplex = flags.includes(FIELD_QUOTED_COMPLEX);
  const bufOf = (i: number): Uint8Array => (flags[i] === FIELD_QUOTED_COMPLEX ? col.complexBytes(i) : buf);
  if (anyComplex) {
    starts = starts.slice();
    ends = ends.slice();
    for (let i = 0; i < n; i++)
      if (flags[i] === FIELD_QUOTED_COMPLEX) {
        starts[i] = 0;
        ends[i] = col.complexBytes(i).length;
      }
  }
  const na = col.naFlags();
  let count = 0;
  for (let i = 0; i < n; i++) count += na[i]!;
  const present = new Uint32Array(n - count);
  const missing = new Uint32Array(count);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (na[i]) missing[q++] = i;
    else present[p++] = i;
  }
  const m = present.length;
  if (m === 0) return { order: missing, keys: null };
  // The prefix every key shares (skipped), the longest key, and the bytes in use (ranked below;
  // bytes of the prefix included, which only widens the alphabet and keeps one pass).
  const f = present[0]!,
    fb = bufOf(f),
    fs = starts[f]!;
  let lcp = ends[f]! - fs,
    longest = 0;
  const ranks = new Uint8Array(256);
  for (let j = 0; j < m; j++) {
    const i = present[j]!;
    const b = anyComplex ? bufOf(i) : buf,
      s = starts[i]!,
      end = ends[i]!;
    let k = 0;
    const lim = Math.min(lcp, end - s);
    while (k < lim && b[s + k] === fb[fs + k]) k++;
    lcp = k;
    if (end - s > longest) longest = end - s;
    for (let p = s; p < end; p++) ranks[b[p]!] = 1;
  }
  const maxLen = longest - lcp;
  // Ranked 1 … in byte order (0 is kept for "ended").
  let base = 1;
  for (let v = 0; v < 256; v++) if (ranks[v]) ranks[v] = base++;
  let perWord = 1;
  while (perWord < 32 && base ** (perWord + 1) <= 2 ** 32) perWord++;
  const words = Math.max(1, Math.ceil(maxLen / perWord));
  perWord = Math.max(1, Math.ceil(maxLen / words)); // spread over the words: smaller values, fewer digits
  const keys: Keys = { present, buf: anyComplex ? bufOf : buf, starts, ends, lcp };
  if (words <= MAX_PACKED_WORDS) {
    const sorted = packedOrder(keys, { ranks, base, perWord, words });
    return {
      order: finish(sorted.order, missing),
      keys: { prefix: fb.slice(fs, fs + lcp), ranks, words: sorted.words, missing: missing.length },
    };
  }
  const order = maxLen > MAX_RADIX_BYTES ? comparisonOrder(keys) : twoByteOrder(keys, maxLen);
  return { order: finish(order, missing), keys: null };
}

/** The rows with a value and where their bytes are (`buf`: one buffer for all, or one per row). */
interface Keys {
  present: Uint32Array;
  buf: Uint8Array | ((row: number) => Uint8Array);
  starts: Uint32Array;
  ends: Uint32Array;
  /** Bytes every key starts with (skipped). */
  lcp: number;
}

const bytesOf = (keys: Keys, row: number): Uint8Array =>
  typeof keys.buf === 'function' ? keys.buf(row) : keys.buf;

/** Long keys: a comparison sort (ties in row order). */
function comparisonOrder(keys: Keys): Uint32Array {
  const { starts, ends, lcp } = keys;
  const cmp = (a: number, b: number) => {
    const ba = bytesOf(keys, a),
      bb = bytesOf(keys, b),
      sa = starts[a]!,
      sb = starts[b]!,
      la = ends[a]! - sa,
      lb = ends[b]! - sb;
    const m = Math.min(la, lb);
    for (let k = lcp; k < m; k++) {
      const d = ba[sa + k]! - bb[sb + k]!;
      if (d !== 0) return d;
    }
    return la - lb || a - b;
  };
  return keys.present.slice().sort(cmp);
}

/** Keys up to MAX_RADIX_BYTES: an LSD radix sort on two-byte digits (bytes shifted by one: 0 is "ended"). */
function twoByteOrder(keys: Keys, maxLen: number): Uint32Array {
  const { present, starts, ends, lcp } = keys;
  const B = 257 * 257;
  const count = new Int32Array(B + 1);
  const digits = new Int32Array(starts.length); // this pass's digit by row, filled by a sequential sweep
  let order = present.slice();
  let tmp = new Uint32Array(order.length);
  for (let pos = maxLen - (maxLen % 2 === 0 ? 2 : 1); pos >= 0; pos -= 2) {
    for (let j = 0; j < present.length; j++) {
      const i = present[j]!;
      const b = bytesOf(keys, i),
        k0 = starts[i]! + lcp + pos,
        e = ends[i]!;
      digits[i] = (k0 < e ? b[k0]! + 1 : 0) * 257 + (k0 + 1 < e ? b[k0 + 1]! + 1 : 0);
    }
    count.fill(0);
    for (let j = 0; j < order.length; j++) count[digits[order[j]!]! + 1]!++;
    for (let d = 0; d < B; d++) count[d + 1]! += count[d]!;
    for (let j = 0; j < order.length; j++) {
      const i = order[j]!;
      tmp[count[digits[i]!]!++] = i;
    }
    [order, tmp] = [tmp, order];
  }
  return order;
}

/**
 * One stable pass on the digit (key[j] >>> shift) & mask: order and every word move to `toOrder`
 * and `toWords`. False (nothing moved) when every key has the same digit.
 */
function radixPass(
  key: Uint32Array,
  shift: number,
  mask: number,
  count: Int32Array,
  order: Uint32Array,
  toOrder: Uint32Array,
  words: Uint32Array[],
  toWords: Uint32Array[],
): boolean {
  const m = order.length;
  count.fill(0, 0, mask + 2);
  for (let j = 0; j < m; j++) count[((key[j]! >>> shift) & mask) + 1]!++;
  if (count[((key[0]! >>> shift) & mask) + 1] === m) return false;
  for (let d = 0; d <= mask; d++) count[d + 1]! += count[d]!;
  if (words.length === 1) {
    const from = words[0]!,
      to = toWords[0]!;
    for (let j = 0; j < m; j++) {
      const at = count[(key[j]! >>> shift) & mask]!++;
      toOrder[at] = order[j]!;
      to[at] = from[j]!;
    }
    return true;
  }
  for (let j = 0; j < m; j++) {
    const at = count[(key[j]! >>> shift) & mask]!++;
    toOrder[at] = order[j]!;
    for (let v = 0; v < words.length; v++) toWords[v]![at] = words[v]![j]!;
  }
  return true;
}

/** The sorted rows, then the missing ones. */
function finish(order: Uint32Array, missing: Uint32Array): Uint32Array {
  if (missing.length === 0) return order;
  const out = new Uint32Array(order.length + missing.length);
  out.set(order, 0);
  out.set(missing, order.length);
  return out;
}

/** Radix digits of at most 12 bits: 4096 counters and scatter targets stay in the CPU cache. */
const MAX_DIGIT_BITS = 12;

/** Keys whose encoding (see {@link SortedKeys}) fits this many 32-bit words are sorted packed. */
const MAX_PACKED_WORDS = 6;

interface Encoding {
  ranks: Uint8Array;
  /** Number of ranks in use, plus one for "ended". */
  base: number;
  /** Bytes a word holds: base^perWord ≤ 2^32. */
  perWord: number;
  words: number;
}

/**
 * Stable order of short keys, each encoded as in {@link SortedKeys} so that comparing the words
 * lexicographically is comparing the bytes (a key that is a prefix of another sorts first). An
 * LSD radix sort on digits of up to 12 bits that carries the words along (reads stay sequential, and the
 * keys come out in sorted order) and skips a digit every key shares.
 */
function packedOrder(
  keys: Keys,
  { ranks, base, perWord, words }: Encoding,
): { order: Uint32Array; words: Uint32Array[] } {
  const { present, starts, ends, lcp } = keys;
  const m = present.length;
  const one = typeof keys.buf === 'function' ? null : keys.buf;
  let order: Uint32Array = present; // the caller is done with present: the passes may write over it
  let packed: Uint32Array[] = Array.from({ length: words }, () => new Uint32Array(m));
  const top = new Uint32Array(words); // each word's largest value: digits above it are all 0
  for (let j = 0; j < m; j++) {
    const i = present[j]!;
    const b = one ?? bytesOf(keys, i),
      end = ends[i]!;
    for (let w = 0, p = starts[i]! + lcp; w < words; w++) {
      let v = 0;
      for (let k = 0; k < perWord; k++, p++) v = v * base + (p < end ? ranks[b[p]!]! : 0);
      packed[w]![j] = v;
      if (v > top[w]!) top[w] = v;
    }
  }
  let tmpOrder: Uint32Array = new Uint32Array(m);
  let tmpPacked: Uint32Array[] = Array.from({ length: words }, () => new Uint32Array(m));
  const count = new Int32Array((1 << MAX_DIGIT_BITS) + 1);
  // Least significant word first, each in as few passes as its largest value needs (digits of
  // equal width, at most MAX_DIGIT_BITS).
  for (let w = words - 1; w >= 0; w--) {
    const bits = 32 - Math.clz32(top[w]!);
    const passes = Math.ceil(bits / MAX_DIGIT_BITS);
    const width = Math.ceil(bits / Math.max(1, passes));
    for (let shift = 0; shift < bits; shift += width)
      if (radixPass(packed[w]!, shift, (1 << width) - 1, count, order, tmpOrder, packed, tmpPacked)) {
        [order, tmpOrder] = [tmpOrder, order];
        [packed, tmpPacked] = [tmpPacked, packed];
      }
  }
  return { order, words: packed };
}
