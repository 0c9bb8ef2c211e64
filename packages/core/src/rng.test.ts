import { describe, expect, it } from 'vitest';
import { rngFor, Sfc32 } from './rng.js';

describe('rngFor', () => {
  it('draws the numbers it always has (a resumed run repeats its decisions)', () => {
    const g = rngFor(2026, 'propose', 3);
    expect([g.next(), g.int(100), g.pick(['a', 'b', 'c', 'd', 'e'])]).toEqual([0.18768181116320193, 55, 'a']);
    const h = rngFor(1);
    expect([h.next(), h.next()]).toEqual([0.41054016072303057, 0.13596964767202735]);
  });

  it('is the sfc32 stream of its key path, with the counter one ahead', () => {
    const a = rngFor(5, 'k', 0);
    const b = Sfc32.fromText('5/k/0', 1);
    expect(Array.from({ length: 3 }, () => a.next())).toEqual(Array.from({ length: 3 }, () => b.next()));
    expect(rngFor(5, 'k', 0).next()).not.toBe(Sfc32.fromText('5/k/0').next());
  });
});

describe('Sfc32', () => {
  it('gives floats in [0, 1) and unbiased bounded integers', () => {
    const r = Sfc32.fromText('range');
    for (let i = 0; i < 1000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      const k = r.below(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
    expect(r.below(1)).toBe(0);
  });

  it('shuffles into a permutation', () => {
    const out = Sfc32.fromText('perm').shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...out].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(out).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
