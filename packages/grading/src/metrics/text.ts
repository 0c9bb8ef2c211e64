import { MetricError } from '../errors.js';

/** Characters Python's `str.split()` treats as whitespace (str.isspace). */
const PY_WS = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** Python `s.split()` (no argument): split on runs of Unicode whitespace, no empty parts. */
export function pySplit(s: string): string[] {
  return s.split(PY_WS).filter((x) => x !== '');
}

/**
 * tweet-sentiment-extraction's word Jaccard: |A ∩ B| / |A ∪ B| over lower-cased whitespace token
 * sets; both empty divides by zero, which makes MLE-bench's grader fail (reference/mlebench.md §4).
 */
export function wordJaccard(a: string, b: string, row: number): number {
  const sa = new Set(pySplit(a.toLowerCase()));
  const sb = new Set(pySplit(b.toLowerCase()));
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  const denom = sa.size + sb.size - inter;
  if (denom === 0) throw new MetricError(`row ${row}: both the prediction and the answer are empty, so the Jaccard score divides by zero (the grader fails on it)`);
  return inter / denom;
}

/**
 * Levenshtein distance (insert, delete, substitute each cost 1) between two sequences of code
 * points or integers, as python-Levenshtein's `distance` computes it.
 */
export function levenshtein(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = a, t = b;
  if (s.length < t.length) [s, t] = [t, s];
  // Strip a common prefix and suffix: they never change the distance.
  let start = 0;
  while (start < t.length && s[start] === t[start]) start++;
  let endS = s.length, endT = t.length;
  while (endT > start && s[endS - 1] === t[endT - 1]) { endS--; endT--; }
  const m = endT - start;
  if (m === 0) return endS - start;
  const row = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) row[j] = j;
  for (let i = start; i < endS; i++) {
    let prevDiag = row[0]!;
    row[0] = i - start + 1;
    const si = s[i];
    for (let j = 1; j <= m; j++) {
      const old = row[j]!;
      const sub = prevDiag + (si === t[start + j - 1] ? 0 : 1);
      const del = old + 1;
      const ins = row[j - 1]! + 1;
      row[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
      prevDiag = old;
    }
  }
  return row[m]!;
}

/** A string's code points (Python indexes str by code point, not UTF-16 unit). */
export function codePoints(s: string): Uint32Array {
  const out = new Uint32Array(s.length);
  let n = 0;
  for (const ch of s) out[n++] = ch.codePointAt(0)!;
  return out.subarray(0, n);
}
