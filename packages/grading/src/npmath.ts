/**
 * Floating-point reductions in the order numpy performs them, so sums and means agree with
 * MLE-bench's numpy/scikit-learn graders to the last bit wherever the operand order is known.
 */

/** numpy's pairwise summation (`pairwise_sum_DOUBLE`, block 128, 8-way unrolled) over a[from, from+n). */
export function pairwiseSum(a: ArrayLike<number>, from = 0, n = a.length - from): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[from + i]!;
    return res;
  }
  if (n <= 128) {
    let r0 = a[from]!,
      r1 = a[from + 1]!,
      r2 = a[from + 2]!,
      r3 = a[from + 3]!;
    let r4 = a[from + 4]!,
      r5 = a[from + 5]!,
      r6 = a[from + 6]!,
      r7 = a[from + 7]!;
    let i = 8;
    const end = n - (n % 8);
    for (; i < end; i += 8) {
      const p = from + i;
      r0 += a[p]!;
      r1 += a[p + 1]!;
      r2 += a[p + 2]!;
      r3 += a[p + 3]!;
      r4 += a[p + 4]!;
      r5 += a[p + 5]!;
      r6 += a[p + 6]!;
      r7 += a[p + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[from + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
}

/**
 * `np.sum` / `np.add.reduce` of a contiguous float64 vector: the ufunc machinery hands the inner
 * loop at most 8192 elements at a time (its buffer size), each block is summed pairwise and the
 * block sums are added in order. Verified bit-for-bit against numpy 1.24.
 */
export function npSum(a: ArrayLike<number>): number {
  const B = 8192;
  if (a.length <= B) return pairwiseSum(a);
  let s = 0;
  for (let i = 0; i < a.length; i += B) s += pairwiseSum(a, i, Math.min(B, a.length - i));
  return s;
}

/** `np.mean` of a float64 vector (empty → NaN, as numpy warns and returns nan). */
export function npMean(a: ArrayLike<number>): number {
  return a.length === 0 ? NaN : npSum(a) / a.length;
}

/** `np.nanmean`: NaNs become 0 in place (so the summation tree is unchanged), divided by the non-NaN count. */
export function npNanMean(a: ArrayLike<number>): number {
  const filled = new Float64Array(a.length);
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v === v) {
      filled[i] = v;
      count++;
    }
  }
  return count === 0 ? NaN : npSum(filled) / count;
}

/** Left-to-right sum, as numpy reduces along a non-contiguous axis (pandas row sums). */
export function sequentialSum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

/** `np.quantile(a, q)` with the default 'linear' method (numpy ≥ 1.22 `_lerp`). */
export function npQuantile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  if (Number.isNaN(sorted[n - 1]!)) return NaN; // Float64Array.sort puts NaN last; numpy propagates it
  const virtual = (n - 1) * q;
  const prev = Math.floor(virtual);
  const next = Math.min(prev + 1, n - 1);
  const gamma = virtual - prev;
  const a = sorted[Math.max(0, Math.min(prev, n - 1))]!;
  const b = sorted[next]!;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** pandas `Series.median()` (NaN skipped; mean of the two middle values for even counts). */
export function pandasMedian(values: ArrayLike<number>): number {
  const clean = Float64Array.from(
    Array.prototype.filter.call(values, (v: number) => v === v) as number[],
  ).sort();
  const n = clean.length;
  if (n === 0) return NaN;
  if (n % 2 === 1) return clean[(n - 1) / 2]!;
  return (clean[n / 2 - 1]! + clean[n / 2]!) / 2;
}

/** `np.isclose(a, b)` with numpy's defaults unless given. */
export function isClose(a: number, b: number, rtol = 1e-5, atol = 1e-8): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}
