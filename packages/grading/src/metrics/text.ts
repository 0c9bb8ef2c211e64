import { MetricError } from '../errors.js';

/** Characters Python's `str.split()` treats as whitespace (str.isspace). */
// eslint-disable-next-line no-control-regex -- Python's str.split() whitespace includes \x1c-\x1f
const PY_WS = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** Python `s.split()` (no argument): split on runs of Unicode whitespace, no empty parts. */
export function pySplit(s: string): string[] {
  return s.split(PY_WS).filter((x) => x !== '');
}

/**
 * tweet-sentiment-extraction's word Jaccard: |A ∩ B| / |A ∪ B| over lower-cased whitespace token
 * sets; both empty divides by zero, which makes MLE-bench's grader fail (docs/mlebench-grading.md §Metrics).
 */
export function wordJaccard(a: string, b: string, row: number): number {
  const sa = new Set(pySplit(a.toLowerCase()));
  const sb = new Set(pySplit(b.toLowerCase()));
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  const denom = sa.size + sb.size - inter;
  if (denom === 0)
    throw new MetricError(
      `row ${row}: both the prediction and the answer are empty, so the Jaccard score divides by zero (the grader fails on it)`,
    );
  return inter / denom;
}

/**
 * Levenshtein distance (insert, delete, substitute each cost 1) between two sequences of code
 * points or integers, as python-Levenshtein's `distance` computes it. Myers' bit-parallel
 * algorithm over 32-row blocks (Hyyrö's formulation): O(⌈m/32⌉·n) instead of O(m·n).
 */
export function levenshtein(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let t = a,
    p = b; // p: the pattern (shorter), t: the text
  if (p.length > t.length) [t, p] = [p, t];
  // A common prefix and suffix never change the distance.
  let start = 0;
  while (start < p.length && t[start] === p[start]) start++;
  let endT = t.length,
    endP = p.length;
  while (endP > start && t[endT - 1] === p[endP - 1]) {
    endT--;
    endP--;
  }
  const m = endP - start;
  const n = endT - start;
  if (m === 0) return n;
  const blocks = (m + 31) >>> 5;
  // Peq: for each symbol, the rows of the pattern holding it, as one bit mask per block.
  const peq = new Map<number, Int32Array>();
  for (let i = 0; i < m; i++) {
    const c = p[start + i]!;
    let mask = peq.get(c);
    if (!mask) peq.set(c, (mask = new Int32Array(blocks)));
    mask[i >>> 5]! |= 1 << (i & 31);
  }
  const none = new Int32Array(blocks);
  const pv = new Int32Array(blocks).fill(-1); // vertical deltas +1 (column 0 is 0, 1, 2, …)
  const mv = new Int32Array(blocks);
  const lastBit = 1 << ((m - 1) & 31);
  let score = m;
  for (let j = 0; j < n; j++) {
    const eqs = peq.get(t[start + j]!) ?? none;
    let hin = 1; // row 0 grows by one per column
    for (let blk = 0; blk < blocks; blk++) {
      let eq = eqs[blk]!;
      const pvb = pv[blk]!,
        mvb = mv[blk]!;
      const xv = eq | mvb;
      if (hin < 0) eq |= 1;
      const xh = ((((eq & pvb) + pvb) | 0) ^ pvb) | eq;
      let ph = mvb | ~(xh | pvb);
      let mh = pvb & xh;
      if (blk === blocks - 1) {
        if (ph & lastBit) score++;
        else if (mh & lastBit) score--;
      }
      const hout = ph & 0x80000000 ? 1 : mh & 0x80000000 ? -1 : 0;
      ph <<= 1;
      mh <<= 1;
      if (hin < 0) mh |= 1;
      else if (hin > 0) ph |= 1;
      pv[blk] = mh | ~(xv | ph);
      mv[blk] = ph & xv;
      hin = hout;
    }
  }
  return score;
}

/** A string's code points (Python indexes str by code point, not UTF-16 unit). */
export function codePoints(s: string): Uint32Array {
  const out = new Uint32Array(s.length);
  let n = 0;
  for (const ch of s) out[n++] = ch.codePointAt(0)!;
  return out.subarray(0, n);
}
