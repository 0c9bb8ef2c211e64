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
  const bufs: Uint8Array[] = new Array(n);
  const starts = new Int32Array(n), lens = new Int32Array(n);
  const present: number[] = [];
  const missing: number[] = [];
  for (let i = 0; i < n; i++) {
    if (col.isNA(i)) { missing.push(i); continue; }
    if (col.raw.flags[i] === FIELD_QUOTED_COMPLEX) { const b = col.complexBytes(i); bufs[i] = b; starts[i] = 0; lens[i] = b.length; }
    else { bufs[i] = col.table.buf; starts[i] = col.raw.starts[i]!; lens[i] = col.raw.ends[i]! - col.raw.starts[i]!; }
    present.push(i);
  }
  // Skip the prefix every key shares.
  let lcp = present.length ? lens[present[0]!]! : 0;
  let maxLen = 0;
  if (present.length) {
    const f = present[0]!, fb = bufs[f]!, fs = starts[f]!;
    for (const i of present) {
      const b = bufs[i]!, s = starts[i]!;
      let k = 0;
      const lim = Math.min(lcp, lens[i]!);
      while (k < lim && b[s + k] === fb[fs + k]) k++;
      lcp = k;
    }
    for (const i of present) maxLen = Math.max(maxLen, lens[i]! - lcp);
  }
  let order = Uint32Array.from(present);
  if (maxLen > MAX_RADIX_BYTES) {
    const cmp = (a: number, b: number) => {
      const ba = bufs[a]!, bb = bufs[b]!, sa = starts[a]!, sb = starts[b]!, la = lens[a]!, lb = lens[b]!;
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
      for (const i of present) {
        const b = bufs[i]!, s = starts[i]!, l = lens[i]!;
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
  const out = new Uint32Array(n);
  out.set(order, 0);
  out.set(missing, order.length);
  return out;
}
