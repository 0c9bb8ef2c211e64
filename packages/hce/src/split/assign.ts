import { ConfigError } from '@aira/core';
import { splitRng } from '../rng.js';

export type Part = 'train' | 'search' | 'validation';
export const PARTS: readonly Part[] = ['train', 'search', 'validation'];
/** Part codes as stored per row (Uint8Array). */
export const TRAIN = 0;
export const SEARCH = 1;
export const VALIDATION = 2;

export interface Fractions {
  train: number;
  search: number;
  validation: number;
}

export interface AssignInput {
  /** Number of units (rows, or groups of rows that must stay together). */
  units: number;
  /** Rows per unit (for the per-part row cap); default 1 each. */
  rows?: ArrayLike<number>;
  /** Stratum of each unit (e.g. its label); absent: not stratified. */
  strata?: ArrayLike<number>;
  fractions: Fractions;
  seed: number;
  /** Cap on the rows of each hidden part; overflow units go to train. */
  maxRowsPerPart?: number;
}

/** Target sizes of the hidden parts: round(n × fraction), at least one unit each. */
function targets(n: number, f: Fractions): { search: number; validation: number } {
  if (n < 3)
    throw new ConfigError(`cannot split ${n} unit(s) into train, search and validation (need at least 3)`);
  const search = Math.max(1, Math.round(n * f.search));
  const validation = Math.max(1, Math.round(n * f.validation));
  if (search + validation >= n)
    throw new ConfigError(
      `cannot split ${n} units ${f.train}/${f.search}/${f.validation}: nothing would be left to train on`,
    );
  return { search, validation };
}

/**
 * Largest-remainder apportionment: splits `total` over groups in proportion to `sizes`, never
 * above a group's size, ties broken by group order (deterministic).
 */
export function apportion(total: number, sizes: readonly number[]): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum === 0) return sizes.map(() => 0);
  const exact = sizes.map((s) => (total * s) / sum);
  const out = exact.map((x, i) => Math.min(sizes[i]!, Math.floor(x)));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  while (left > 0) {
    let moved = false;
    for (const { i } of order) {
      if (left === 0) break;
      if (out[i]! < sizes[i]!) {
        out[i]!++;
        left--;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return out;
}

/**
 * Assigns each unit to train, search or validation (docs/paper.md §HCE: one random 80/10/10
 * split of the labelled data). Deterministic in (seed, input). Stratified: each stratum is split
 * in proportion (largest remainder), so class balance holds in every part. Units never split:
 * a group lands wholly in one part.
 */
export function assignUnits(input: AssignInput): Uint8Array {
  const n = input.units;
  const want = targets(n, input.fractions);
  const rng = splitRng(input.seed, 'assign');
  const part = new Uint8Array(n); // all train
  // Each hidden part's units, in a random order (so a row cap trims a random subset).
  const chosen: Record<'search' | 'validation', number[]> = { search: [], validation: [] };
  if (!input.strata) {
    const perm = rng.shuffle(Uint32Array.from({ length: n }, (_, i) => i));
    chosen.search = Array.from(perm.subarray(0, want.search));
    chosen.validation = Array.from(perm.subarray(want.search, want.search + want.validation));
  } else {
    const byStratum = new Map<number, number[]>();
    for (let u = 0; u < n; u++) {
      const s = input.strata[u]!;
      let list = byStratum.get(s);
      if (!list) byStratum.set(s, (list = []));
      list.push(u);
    }
    const keys = [...byStratum.keys()].sort((a, b) => a - b);
    const lists = keys.map((k) => rng.shuffle(byStratum.get(k)!));
    const sizes = lists.map((l) => l.length);
    const s = apportion(want.search, sizes);
    const v = apportion(
      want.validation,
      sizes.map((sz, i) => sz - s[i]!),
    );
    lists.forEach((l, i) => {
      chosen.search.push(...l.slice(0, s[i]));
      chosen.validation.push(...l.slice(s[i], s[i]! + v[i]!));
    });
    rng.shuffle(chosen.search);
    rng.shuffle(chosen.validation);
  }
  const cap = input.maxRowsPerPart ?? Infinity;
  for (const [name, code] of [
    ['search', SEARCH],
    ['validation', VALIDATION],
  ] as const) {
    let rows = 0;
    for (const u of chosen[name]) {
      const r = input.rows ? input.rows[u]! : 1;
      if (rows + r > cap && rows > 0) continue; // over the cap: stays in train
      rows += r;
      part[u] = code;
    }
  }
  return part;
}
