import { createHash } from 'node:crypto';

/** A seeded source of uniform numbers in [0, 1). */
export interface Rng {
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** One of `items`, uniformly (one `int` draw). */
  pick<T>(items: readonly T[]): T;
}

/**
 * A generator derived from a seed and a key path (e.g. run seed, job index), so each decision is
 * reproducible by itself: a resumed run draws the same numbers for the same job without saving
 * generator state. sfc32 seeded from sha256 of the path.
 */
export function rngFor(seed: number, ...keys: Array<string | number>): Rng {
  const h = createHash('sha256')
    .update(`${seed}/${keys.join('/')}`)
    .digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
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
