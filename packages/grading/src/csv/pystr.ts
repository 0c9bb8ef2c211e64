/**
 * Python's `repr(float)` (what `str()` and `Series.astype(str)` print): the shortest digits that
 * round-trip, fixed notation when the decimal exponent is in [-4, 16), else `1e-05` / `1.5e+16`,
 * and a trailing ".0" on integral values.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant, expPart] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expPart); // value = d.ddd × 10^exp
  const decpt = exp + 1; // value = 0.dddd × 10^decpt
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const e = Math.abs(exp);
  const expStr = `e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  return `${sign}${digits[0]}${digits.length > 1 ? '.' + digits.slice(1) : ''}${expStr}`;
}
