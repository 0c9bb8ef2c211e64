import type { Column } from './csv/table.js';
import { FIELD_QUOTED_COMPLEX } from './csv/table.js';

/** Longest key (after the common prefix) sorted by radix; longer keys use a comparison sort. */
const MAX_RADIX_BYTES = 64;

/**
 * Row order of a text column sorted by its UTF-8 bytes — the same order as Python's str
 * comparison (code points) — stable, missing values last (pandas `sort_values`). An LSD radix
 * sort on two-byte digits (each byte shifted by one so that "end of text" sorts first).
 */
export function byteSortOrder(col: Column): Uint32Array {
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
  if (maxLen <= 4 * PACKED_WORDS)
    return finish(n, packedOrder(present, bufOf, starts, lens, lcp, maxLen), missing);
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
  return finish(n, order, missing);
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
 * sort on 16-bit digits that carries the words along (reads stay sequential) and skips a digit
 * every key shares.
 */
function packedOrder(
  present: Uint32Array,
  bufOf: (i: number) => Uint8Array,
  starts: Int32Array,
  lens: Int32Array,
  lcp: number,
  maxLen: number,
): Uint32Array {
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
    for (let w = 0; w < words; w++) {
      let v = 0;
      for (let k = 0; k < 4; k++) {
        const p = 4 * w + k;
        v = (v << 8) | (p < l ? b[s + p]! : 0);
      }
      keys[w]![j] = v >>> 0;
    }
  }
  let tmpOrder = new Uint32Array(m);
  let tmpKeys: Uint32Array[] = Array.from({ length: words }, () => new Uint32Array(m));
  const count = new Int32Array(65537);
  // Least significant first: the length (only when keys differ in it), then each word's low and high halves.
  if (!sameLen) {
    count.fill(0);
    for (let j = 0; j < m; j++) count[len[j]! + 1]!++;
    for (let d = 0; d < 65536; d++) count[d + 1]! += count[d]!;
    for (let j = 0; j < m; j++) {
      const to = count[len[j]!]!++;
      tmpOrder[to] = order[j]!;
      for (let w = 0; w < words; w++) tmpKeys[w]![to] = keys[w]![j]!;
    }
    [order, tmpOrder] = [tmpOrder, order];
    [keys, tmpKeys] = [tmpKeys, keys];
  }
  len = new Uint8Array(0);
  for (let w = words - 1; w >= 0; w--) {
    for (const shift of [0, 16]) {
      const key = keys[w]!;
      count.fill(0);
      for (let j = 0; j < m; j++) count[((key[j]! >>> shift) & 0xffff) + 1]!++;
      if (count[((key[0]! >>> shift) & 0xffff) + 1] === m) continue; // every key shares this digit
      for (let d = 0; d < 65536; d++) count[d + 1]! += count[d]!;
      // Words still to be read move with the order: this one (for its high half) and the more significant ones.
      const carry = shift === 0 ? w : w - 1;
      for (let j = 0; j < m; j++) {
        const to = count[(key[j]! >>> shift) & 0xffff]!++;
        tmpOrder[to] = order[j]!;
        for (let v = 0; v <= carry; v++) tmpKeys[v]![to] = keys[v]![j]!;
      }
      [order, tmpOrder] = [tmpOrder, order];
      [keys, tmpKeys] = [tmpKeys, keys];
    }
  }
  return order;
}
