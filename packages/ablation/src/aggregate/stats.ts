/** Mean and standard error of the mean (sample SD with ddof = 1, over √n); SE is null below 2 values. */
export interface MeanSe {
  n: number;
  mean: number | null;
  se: number | null;
}

export function meanSe(values: readonly number[]): MeanSe {
  const n = values.length;
  if (n === 0) return { n, mean: null, se: null };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { n, mean, se: null };
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { n, mean, se: Math.sqrt(ss / (n - 1)) / Math.sqrt(n) };
}

/** Percentage of true values (0–100), null for none. */
export function rate(flags: readonly boolean[]): number | null {
  return flags.length === 0 ? null : (100 * flags.filter(Boolean).length) / flags.length;
}
