import { createHash } from 'node:crypto';

/** A seeded source of uniform numbers; the same seed and keys give the same draws. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
}

/**
 * sfc32 seeded from sha256 of `seed/keys…`: each decision (draft, mutate, crossover of job seed s)
 * has its own stream, so adding a draw in one place never shifts another's.
 */
export function seededRng(seed: number, ...keys: Array<string | number>): Rng {
  const h = createHash('sha256').update(`${seed}/${keys.join('/')}`).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  const next = (): number => {
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (items) => items[int(items.length)]! };
}
