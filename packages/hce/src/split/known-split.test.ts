import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { splitRng } from '../rng.js';
import { assignUnits } from './assign.js';

// Splits are cached by content hash and users keep theirs across versions: these are numbers and
// splits drawn before the generator moved into @aira/core, and they must never change.
const F = { train: 0.8, search: 0.1, validation: 0.1 };
const sha = (a: Uint8Array) => createHash('sha256').update(a).digest('hex');

describe('a split drawn today is the split drawn before', () => {
  it('draws the same raw stream, shuffles and bounded integers', () => {
    const r = splitRng(42, 'assign');
    expect(Array.from({ length: 4 }, () => r.uint32())).toEqual([
      925060441, 303378017, 198441062, 2693762967,
    ]);
    expect(splitRng(7, 'p').shuffle(Array.from({ length: 10 }, (_, i) => i))).toEqual([
      9, 7, 3, 5, 6, 8, 2, 1, 0, 4,
    ]);
    const b = splitRng(3, 'b');
    expect(Array.from({ length: 5 }, () => b.below(1000))).toEqual([855, 297, 353, 827, 337]);
  });

  it('assigns the same units to train, search and validation', () => {
    const plain = assignUnits({ units: 1000, fractions: F, seed: 2026 });
    expect(sha(plain)).toBe('35467b0a06a870386056b4d57f10cda4702526703a3eeb21ecdbb02993749393');
    expect([...plain].flatMap((p, i) => (p === 1 ? [i] : [])).slice(0, 8)).toEqual([
      1, 2, 5, 6, 27, 31, 34, 39,
    ]);
    const stratified = assignUnits({
      units: 600,
      strata: Array.from({ length: 600 }, (_, i) => i % 3),
      rows: Array.from({ length: 600 }, (_, i) => 1 + (i % 4)),
      maxRowsPerPart: 100,
      fractions: F,
      seed: 5,
    });
    expect(sha(stratified)).toBe('8c7b69b042d2ee417984d94f9de698cbe7a4539adae7655f6b466c550c88d8c5');
  });
});
