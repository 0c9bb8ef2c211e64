/**
 * Python's `round(x, ndigits)` for floats, exactly (docs/mlebench-grading.md §Grading a submission step 4: every score
 * is `round(score, 5)`). CPython rounds the *exact* binary value of the double to `ndigits`
 * decimals with round-half-even (ties only happen when the double's exact expansion ends in 5),
 * then converts that decimal back to the nearest double. So round(2.675, 2) == 2.67 because the
 * double 2.675 is really 2.67499999999999982236431605997495353221893310546875.
 */
export function pyRound(x: number, ndigits = 5): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (!Number.isInteger(ndigits) || ndigits < 0 || ndigits > 300)
    throw new RangeError(`pyRound: ndigits must be an integer in [0, 300], got ${ndigits}`);
  const negative = x < 0;
  const { mantissa, exponent } = decompose(Math.abs(x));
  // |x| = mantissa · 2^exponent; if exponent ≥ 0 it is an integer and already has no decimals.
  if (exponent >= 0) return x;
  const scaled = mantissa * 10n ** BigInt(ndigits); // |x|·10^nd = scaled / 2^(-exponent)
  const shift = BigInt(-exponent);
  let q = scaled >> shift;
  const r = scaled - (q << shift);
  const twice = r << 1n;
  const denom = 1n << shift;
  if (twice > denom || (twice === denom && (q & 1n) === 1n)) q += 1n;
  const value = Number(`${q}e-${ndigits}`); // correctly rounded decimal → double, as CPython's strtod
  return negative ? -value : value;
}

const view = new DataView(new ArrayBuffer(8));

/** Splits a positive finite double into an integer mantissa and a power-of-two exponent. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fracHi = hi & 0xfffff;
  let mantissa = (BigInt(fracHi) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074; // subnormal
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  return { mantissa, exponent };
}
