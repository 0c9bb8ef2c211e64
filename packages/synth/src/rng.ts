import { rngFor, type Rng } from '@aira/core';

/** The seeded generator synthetic data is drawn from (the project's one RNG, with a few shapes on top). */
export class SynthRng {
  private readonly r: Rng;
  constructor(seed: number, ...keys: Array<string | number>) {
    this.r = rngFor(seed, 'synth', ...keys);
  }
  /** Uniform in [0, 1). */
  float(): number {
    return this.r.next();
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return this.r.int(n);
  }
  pick<T>(xs: readonly T[]): T {
    return this.r.pick(xs);
  }
  /** Lower-case hex of length n (ids like aptos' `id_code`). */
  hex(n: number): string {
    let s = '';
    while (s.length < n)
      s += Math.floor(this.float() * 0x1_0000_0000)
        .toString(16)
        .padStart(8, '0');
    return s.slice(0, n);
  }
  /** A decimal with many digits: a value that occurs nowhere by chance (for leak checks). */
  decimal(lo: number, hi: number, digits = 13): string {
    return (lo + (hi - lo) * this.float()).toFixed(digits);
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }
}
