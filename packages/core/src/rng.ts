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
 * The one seeded generator of the project: sfc32 (Chris Doty-Humphrey's small fast counting
 * generator, 128 bits of state), seeded from the SHA-256 of a text and warmed up by 12 draws. Its
 * stream depends on nothing but that text: not on the platform or the Node version. Search
 * decisions (`rngFor`) and HCE's splits (`Sfc32.fromText('aira-hce/…')`) both draw from it; a
 * split is cached by content hash and users keep their splits, so the stream must never change.
 */
export class Sfc32 implements Rng {
  private constructor(
    private a: number,
    private b: number,
    private c: number,
    private d: number,
  ) {
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /**
   * Seeded from the first 16 bytes of SHA-256(text), read as four little-endian words. `counter`
   * is added to the fourth word (the counter): `rngFor` starts it one ahead, which keeps the
   * numbers it has always drawn.
   */
  static fromText(text: string, counter = 0): Sfc32 {
    const h = createHash('sha256').update(text).digest();
    return new Sfc32(
      h.readUInt32LE(0),
      h.readUInt32LE(4),
      h.readUInt32LE(8),
      (h.readUInt32LE(12) + counter) | 0,
    );
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform number in [0, 1) (one draw). */
  next(): number {
    return this.uint32() / 0x1_0000_0000;
  }

  /** Integer in [0, n) by scaling one draw (a bias below 2^-32 × n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A uniform integer in [0, n) without modulo bias (rejection sampling). */
  below(n: number): number {
    if (n <= 1) return 0;
    const limit = Math.floor(0x1_0000_0000 / n) * n;
    for (;;) {
      const x = this.uint32();
      if (x < limit) return x % n;
    }
  }

  /** Fisher–Yates in place, with `below` draws. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}

/**
 * A generator derived from a seed and a key path (e.g. run seed, job index), so each decision is
 * reproducible by itself: a resumed run draws the same numbers for the same job without saving
 * generator state.
 */
export function rngFor(seed: number, ...keys: Array<string | number>): Rng {
  return Sfc32.fromText(`${seed}/${keys.join('/')}`, 1);
}
