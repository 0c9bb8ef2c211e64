import { join } from 'node:path';
import type { SynthRng } from '../rng.js';
import type { SynthContext } from '../types.js';

/** Paths under the prepared folder: `pub('train.csv')` → `<root>/public/train.csv`. */
export function paths(ctx: SynthContext): {
  pub: (...rel: string[]) => string;
  priv: (...rel: string[]) => string;
} {
  return {
    pub: (...rel) => join(ctx.root, 'public', ...rel),
    priv: (...rel) => join(ctx.root, 'private', ...rel),
  };
}

/** How many held-out (test) units go with `size` training units: about a tenth, at least 3. */
export const testCount = (size: number, fraction = 0.1) => Math.max(3, Math.ceil(size * fraction));

/** `n` rows made by `row(i)`. */
export const rows = <T>(n: number, row: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => row(i));

/** Distinct lower-case hex ids of length `len`. */
export function hexIds(rng: SynthRng, n: number, len: number): string[] {
  const seen = new Set<string>();
  while (seen.size < n) seen.add(rng.hex(len));
  return [...seen];
}

/** A gray level for a media file, from its id (files differ, and are reproducible). */
export const level = (rng: SynthRng) => rng.int(256);

/** A sentence of `min..min+spread` words drawn from `words`. */
export const sentence = (rng: SynthRng, words: readonly string[], min = 5, spread = 8) =>
  Array.from({ length: min + rng.int(spread) }, () => rng.pick(words)).join(' ');

export const WORDS = [
  'the',
  'model',
  'river',
  'light',
  'stone',
  'quiet',
  'paper',
  'green',
  'north',
  'window',
  'signal',
  'garden',
  'winter',
  'market',
  'letter',
  'silver',
  'engine',
  'harbor',
  'forest',
  'cloud',
] as const;

/** One-hot cells of `label` over `classes`. */
export const oneHot = (classes: readonly string[], label: string) =>
  classes.map((c) => (c === label ? 1 : 0));
