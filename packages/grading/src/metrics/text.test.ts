import { describe, expect, it } from 'vitest';
import { rng } from '../test-support/fixtures.js';
import { codePoints, levenshtein, pySplit } from './text.js';

/** The textbook dynamic programme, for comparison. */
function dp(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

describe('levenshtein (bit-parallel)', () => {
  it('agrees with the dynamic programme across block boundaries', () => {
    const r = rng(3);
    for (let trial = 0; trial < 400; trial++) {
      const alphabet = 2 + Math.floor(r() * 6);
      const la = Math.floor(r() * 140),
        lb = Math.floor(r() * 140);
      const a = Array.from({ length: la }, () => Math.floor(r() * alphabet));
      const b =
        r() < 0.5
          ? Array.from({ length: lb }, () => Math.floor(r() * alphabet))
          : a.map((x) => (r() < 0.1 ? (x + 1) % alphabet : x)).filter(() => r() > 0.05);
      expect(levenshtein(a, b)).toBe(dp(a, b));
    }
  });

  it('handles the empty and identical cases', () => {
    expect(levenshtein([], [])).toBe(0);
    expect(levenshtein(codePoints('InChI=1S/H2O'), codePoints('InChI=1S/H2O'))).toBe(0);
    expect(levenshtein(codePoints(''), codePoints('a'.repeat(70)))).toBe(70);
  });

  it('splits like Python str.split() (Unicode whitespace, no empty parts)', () => {
    expect(pySplit('  a\tb\u00a0c\u3000d\x1ce  ')).toEqual(['a', 'b', 'c', 'd', 'e']);
    // U+FEFF is whitespace for JavaScript's \\s but not for Python.
    expect(pySplit('a\ufeffb')).toEqual(['a\ufeffb']);
  });
});
