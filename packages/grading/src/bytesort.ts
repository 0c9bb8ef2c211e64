import type { Column } from './csv/table.js';
import { FIELD_QUOTED_COMPLEX } from './csv/table.js';

/** Longest key (after the common prefix) sorted by radix; longer keys use a comparison sort. */
const MAX_RADIX_BYTES = 64;

/**
 * Short keys in sorted order, kept from the sort so that two columns' sorted ids can be compared
 * in one sequential pass: every key is `prefix` + its bytes after the prefix, packed big-endian and
 * zero-padded into `words[0…]` (entry j belongs to order[j]), with its length after the prefix.
 */
export interface SortedKeys {
  prefix: Uint8Array;
  words: Uint32Array[];
  /** Each key's length after the prefix (entry j), or one number when every key has it. */
  lengths: Uint8Array | number;
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
 * words and radix-sorted on 16-bit digits; longer ones get an LSD radix sort on two-byte digits
 * (each byte shifted by one so that "end of text" sorts first), the longest a comparison sort.
 */
export function byteSort(col: Column): TextSort {
  const n = col.length;
  const buf = col.table.buf,
    flags = col.raw.flags;
  // A key's bytes: the file's, or a decoded copy for a field with escaped quotes (cached on the column).
  const bufOf = (i: number): Uint8Array => (flags[i] === FIELD_QUOTED_COMPLEX ? col.complexBytes(i) : buf);
  const starts = new Int32Array(n),
    lens = new Int32Array(n);
  const na = col.naFlags();
  let count = 0;
  for (let i = 0; i < n; i++) if (!na[i]) count++;
  const present = new Uint32Array(count);
  const missing = new Uint32Array(n - count);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (na[i]) {
      missing[q++] = i;
      continue;
    }
    if (flags[i] === FIELD_QUOTED_COMPLEX) {
      starts[i] = 0;
      lens[i] = col.complexBytes(i).length;
    } else {
      starts[i] = col.raw.starts[i]!;
      lens[i] = col.raw.ends[i]! - col.raw.starts[i]!;
    }
    present[p++] = i;
  }
  // Skip the prefix every key shares.
  let lcp = present.length ? lens[present[0]!]! : 0;
  let maxLen = 0;
  if (present.length) {
    const f = present[0]!,
      fb = bufOf(f),
      fs = starts[f]!;
    for (let j = 0; j < present.length; j++) {
      const i = present[j]!;
      const b = bufOf(i),
        s = starts[i]!;
      let k = 0;
      const lim = Math.min(lcp, lens[i]!);
      while (k < lim && b[s + k] === fb[fs + k]) k++;
      lcp = k;
    }
    for (let j = 0; j < present.length; j++) maxLen = Math.max(maxLen, lens[present[j]!]! - lcp);
  }
  if (maxLen <= 4 * PACKED_WORDS) {
    const sorted = packedOrder(present, bufOf, starts, lens, lcp, maxLen);
    const first = present.length ? present[0]! : 0;
    const prefix = present.length
      ? bufOf(first).slice(starts[first]!, starts[first]! + lcp)
      : new Uint8Array(0);
    return {
      order: finish(n, sorted.order, missing),
      keys: { prefix, words: sorted.words, lengths: sorted.lengths, missing: missing.length },
    };
  }
  let order = Uint32Array.from(present);
  if (maxLen > MAX_RADIX_BYTES) {
    const cmp = (a: number, b: number) => {
      const ba = bufOf(a),
        bb = bufOf(b),
        sa = starts[a]!,
        sb = starts[b]!,
        la = lens[a]!,
        lb = lens[b]!;
      const m = Math.min(la, lb);
      for (let k = lcp; k < m; k++) {
        const d = ba[sa + k]! - bb[sb + k]!;
        if (d !== 0) return d;
      }
      return la - lb || a - b;
    };
    order.sort(cmp);
  } else {
    const B = 257 * 257;
    const count = new Int32Array(B + 1);
    const digits = new Int32Array(n); // this pass's digit by row, filled by a sequential sweep
    let tmp = new Uint32Array(order.length);
    // Least significant two-byte digit first; bytes are shifted by one so that 0 means "ended".
    for (let pos = maxLen - (maxLen % 2 === 0 ? 2 : 1); pos >= 0; pos -= 2) {
      const k0 = lcp + pos;
      for (let j = 0; j < present.length; j++) {
        const i = present[j]!;
        const b = bufOf(i),
          s = starts[i]!,
          l = lens[i]!;
        digits[i] = (k0 < l ? b[s + k0]! + 1 : 0) * 257 + (k0 + 1 < l ? b[s + k0 + 1]! + 1 : 0);
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
  }
  return { order: finish(n, order, missing), keys: null };
}

function finish(n: number, order: Uint32Array, missing: Uint32Array): Uint32Array {
  const out = new Uint32Array(n);
  out.set(order, 0);
  out.set(missing, order.length);
  return out;
}

/** Keys whose bytes after the common prefix fit this many 32-bit words are sorted packed. */
const PACKED_WORDS = 4;

/**
 * Stable order of short keys: each key's bytes after the common prefix packed big-endian into
 * words (zero-padded), so that comparing (words, length) lexicographically is comparing the bytes
 * (a shorter key that is a prefix of another sorts first, a real NUL byte included). An LSD radix
 * sort on 16-bit digits that carries the words and lengths along (reads stay sequential, and the
 * keys come out in sorted order) and skips a digit every key shares.
 */
function packedOrder(
  present: Uint32Array,
  bufOf: (i: number) => Uint8Array,
  starts: Int32Array,
  lens: Int32Array,
  lcp: number,
  maxLen: number,
): { order: Uint32Array; words: Uint32Array[]; lengths: Uint8Array | number } {
  const m = present.length;
  const words = Math.max(1, Math.ceil(maxLen / 4));
  let order = present.slice();
  let keys: Uint32Array[] = Array.from({ length: words }, () => new Uint32Array(m));
  let len = new Uint8Array(m);
  let sameLen = true;
  for (let j = 0; j < m; j++) {
    const i = present[j]!;
    const b = bufOf(i),
      s = starts[i]! + lcp,
      l = lens[i]! - lcp;
    len[j] = l;
    if (l !== len[0]) sameLen = false;
    for (let w = 0, p = s; w < words; w++, p += 4) {
      const rest = s + l - p;
      keys[w]![j] =
        rest >= 4
          ? ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0
          : rest <= 0
            ? 0
            : ((b[p]! << 24) | (rest > 1 ? b[p + 1]! << 16 : 0) | (rest > 2 ? b[p + 2]! << 8 : 0)) >>> 0;
    }
  }
  let tmpOrder = new Uint32Array(m);
  let tmpKeys: Uint32Array[] = Array.from({ length: words }, () => new Uint32Array(m));
  let tmpLen = sameLen ? len : new Uint8Array(m);
  const count = new Int32Array(65537);
  // Least significant first: the length (only when keys differ in it), then each word's low and high halves.
  // One pass on the 16-bit digit (key[j] >>> shift) & 0xffff.
  const pass = (key: Uint32Array | Uint8Array, shift: number): void => {
    count.fill(0);
    for (let j = 0; j < m; j++) count[((key[j]! >>> shift) & 0xffff) + 1]!++;
    if (m === 0 || count[((key[0]! >>> shift) & 0xffff) + 1] === m) return; // every key shares this digit
    for (let d = 0; d < 65536; d++) count[d + 1]! += count[d]!;
    for (let j = 0; j < m; j++) {
      const to = count[(key[j]! >>> shift) & 0xffff]!++;
      tmpOrder[to] = order[j]!;
      for (let v = 0; v < words; v++) tmpKeys[v]![to] = keys[v]![j]!;
      if (!sameLen) tmpLen[to] = len[j]!;
    }
    [order, tmpOrder] = [tmpOrder, order];
    [keys, tmpKeys] = [tmpKeys, keys];
    [len, tmpLen] = [tmpLen, len];
  };
  if (!sameLen) pass(len, 0);
  for (let w = words - 1; w >= 0; w--) {
    pass(keys[w]!, 0);
    pass(keys[w]!, 16);
  }
  return { order, words: keys, lengths: sameLen ? (m ? len[0]! : 0) : len };
}
