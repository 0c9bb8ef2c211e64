import { describe, expect, it } from 'vitest';
import { pyRound } from './pyround.js';
import { pythonWithSklearn, rng, runPython } from './test-support/fixtures.js';

describe('pyRound (Python round(x, n) on the exact double)', () => {
  it('rounds the binary value, not the decimal literal', () => {
    // 2.675 is stored as 2.67499999999999982236431605997495353221893310546875 → 2.67.
    expect(pyRound(2.675, 2)).toBe(2.67);
    // 1.005 is 1.00499999999999989341858963598497211933135986328125 → 1.0.
    expect(pyRound(1.005, 2)).toBe(1);
    // 0.285 is 0.284999999999999975575093458246556110680103302001953125 → 0.28.
    expect(pyRound(0.285, 2)).toBe(0.28);
  });

  it('breaks exact ties to even', () => {
    // 0.125 = 1/8 is exact: a true tie between 0.12 and 0.13 → the even last digit, 0.12.
    expect(pyRound(0.125, 2)).toBe(0.12);
    // 0.375 = 3/8 exact: tie between 0.37 and 0.38 → 0.38.
    expect(pyRound(0.375, 2)).toBe(0.38);
    // 2.5 → 2 and 3.5 → 4 with ndigits 0.
    expect(pyRound(2.5, 0)).toBe(2);
    expect(pyRound(3.5, 0)).toBe(4);
    // 0.000005 at 5 digits: the double is 5.00000000000000040902e-6, above the tie → 0.00001.
    expect(pyRound(0.000005, 5)).toBe(0.00001);
    // -0.125 → -0.12 (symmetric).
    expect(pyRound(-0.125, 2)).toBe(-0.12);
  });

  it('keeps signs, zeros, integers and non-finite values', () => {
    expect(Object.is(pyRound(-0.000001, 5), -0)).toBe(true);
    expect(pyRound(123456789, 5)).toBe(123456789);
    expect(pyRound(1e300, 5)).toBe(1e300);
    expect(pyRound(Number.NaN, 5)).toBeNaN();
    expect(pyRound(-Infinity, 5)).toBe(-Infinity);
    expect(pyRound(5e-324, 5)).toBe(0);
  });

  it.skipIf(!pythonWithSklearn())('agrees with CPython on 20,000 awkward doubles', () => {
    const r = rng(7);
    const xs: number[] = [];
    for (let i = 0; i < 5000; i++) xs.push(Math.round(r() * 2e6) / 1e6 + 5e-6 * (r() < 0.5 ? 1 : 0)); // many near-ties
    for (let i = 0; i < 5000; i++) xs.push((r() - 0.5) * 10 ** Math.floor(r() * 12 - 6));
    for (let i = 0; i < 5000; i++) xs.push(Math.floor(r() * 1e7) / 2 ** 20); // dyadic: exact ties occur
    for (let i = 0; i < 5000; i++) xs.push(Number((r() * 100).toFixed(6)));
    const py = runPython<number[]>(
      'import json,sys; print(json.dumps([round(x, 5) for x in json.load(sys.stdin)]))',
      xs,
    );
    const mismatches = xs.filter((x, i) => pyRound(x, 5) !== py[i]);
    expect(mismatches).toEqual([]);
  });
});
