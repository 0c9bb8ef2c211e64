/**
 * Stable ascending order of float64 values with NaN last (pandas `sort_values` on a numeric
 * column; −0 and 0 are equal, so they keep their row order). An LSD radix sort on the values' bits
 * mapped to unsigned integers that order as the numbers do (positives: sign bit set; negatives:
 * every bit flipped), 16 bits a pass, skipping a digit every value shares.
 */
export function numberSortOrder(values: Float64Array): Uint32Array {
  const n = values.length;
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  let count = 0;
  for (let i = 0; i < n; i++) if (values[i] === values[i]) count++;
  let order = new Uint32Array(count);
  let hi = new Uint32Array(count),
    lo = new Uint32Array(count);
  const nan = new Uint32Array(n - count);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    const x = values[i]!;
    if (x !== x) {
      nan[q++] = i;
      continue;
    }
    f64[0] = x === 0 ? 0 : x; // −0 sorts as 0
    let h = u32[1]!,
      l = u32[0]!;
    if (h >>> 31) {
      h = ~h;
      l = ~l;
    } else h |= 0x80000000;
    order[p] = i;
    hi[p] = h >>> 0;
    lo[p] = l >>> 0;
    p++;
  }
  let tOrder = new Uint32Array(count),
    tHi = new Uint32Array(count),
    tLo = new Uint32Array(count);
  const counts = new Int32Array(65537);
  for (const [word, shift] of [
    [0, 0],
    [0, 16],
    [1, 0],
    [1, 16],
  ] as const) {
    const key = word === 0 ? lo : hi;
    counts.fill(0);
    for (let j = 0; j < count; j++) counts[((key[j]! >>> shift) & 0xffff) + 1]!++;
    if (count === 0 || counts[((key[0]! >>> shift) & 0xffff) + 1] === count) continue; // a digit every value shares
    for (let d = 0; d < 65536; d++) counts[d + 1]! += counts[d]!;
    for (let j = 0; j < count; j++) {
      const to = counts[(key[j]! >>> shift) & 0xffff]!++;
      tOrder[to] = order[j]!;
      tHi[to] = hi[j]!;
      if (word === 0) tLo[to] = lo[j]!;
    }
    [order, tOrder] = [tOrder, order];
    [hi, tHi] = [tHi, hi];
    if (word === 0) [lo, tLo] = [tLo, lo];
  }
  const out = new Uint32Array(n);
  out.set(order, 0);
  out.set(nan, count);
  return out;
}
