import { describe, expect, it } from 'vitest';
import { numberSortOrder } from './numsort.js';
import { rng } from './test-support/fixtures.js';

/** pandas' order on a float column: ascending, −0 equal to 0, NaN last, stable. */
function reference(v: Float64Array): number[] {
  return Array.from(v.keys()).sort((a, b) => {
    const x = v[a]!,
      y = v[b]!;
    if (x !== x || y !== y) return x !== x ? (y !== y ? a - b : 1) : -1;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
}

describe('numberSortOrder', () => {
  it('orders like pandas: negatives, −0 = 0, infinities, subnormals, repeats in row order, NaN last', () => {
    const r = rng(3);
    const special = [
      0,
      -0,
      NaN,
      Infinity,
      -Infinity,
      5e-324,
      -5e-324,
      1,
      -1,
      2 ** 53,
      -(2 ** 53),
      1e308,
      -1e308,
      0.1,
      0.30000000000000004,
    ];
    for (const size of [0, 1, 7, 5000]) {
      const v = Float64Array.from({ length: size }, () =>
        r() < 0.3
          ? special[Math.floor(r() * special.length)]!
          : r() < 0.5
            ? Math.floor(r() * 50) - 25
            : (r() - 0.5) * 10 ** Math.floor(r() * 20 - 10),
      );
      expect(Array.from(numberSortOrder(v))).toEqual(reference(v));
    }
  });

  it('sorts integer ids (the common case, most digits shared)', () => {
    const r = rng(4);
    const v = Float64Array.from({ length: 20_000 }, () => Math.floor(r() * 1e6));
    expect(Array.from(numberSortOrder(v))).toEqual(reference(v));
  });
});
