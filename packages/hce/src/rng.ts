import { createHash } from 'node:crypto';

/**
 * A seeded random stream (sfc32, seeded from SHA-256 of the split seed and a purpose label), so a
 * split depends on nothing but its seed and its input: not on the run seed, the platform or the
 * Node version (docs/paper.md §HCE: "split once, reused for all seeds").
 */
export class SplitRng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, purpose: string) {
    const h = createHash('sha256').update(`aira-hce/${seed}/${purpose}`).digest();
    this.a = h.readUInt32LE(0);
    this.b = h.readUInt32LE(4);
    this.c = h.readUInt32LE(8);
    this.d = h.readUInt32LE(12);
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform integer in [0, n) without modulo bias. */
  below(n: number): number {
    if (n <= 1) return 0;
    const limit = Math.floor(0x1_0000_0000 / n) * n;
    for (;;) {
      const x = this.next();
      if (x < limit) return x % n;
    }
  }

  /** Fisher–Yates in place. */
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
