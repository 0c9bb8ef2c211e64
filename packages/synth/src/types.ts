import type { SynthRng } from './rng.js';

/**
 * Where and how much one competition's synthetic data is written.
 * `root` is `<data>/<competition-id>/prepared`: a writer lays out `public/` and `private/` under it
 * exactly as `mlebench prepare -c <id>` does (file names, columns, dtypes, archives, media), with
 * invented values.
 */
export interface SynthContext {
  readonly id: string;
  readonly root: string;
  readonly rng: SynthRng;
  /**
   * Rough number of labelled units (rows, images, recordings, patients...) in the training part;
   * a writer scales its other parts from it (MLE-bench's own test part is usually ~10–20 % of it).
   */
  readonly size: number;
}

/** Writes one competition's synthetic prepared data. Deterministic in (seed, id, size). */
export type SynthWriter = (ctx: SynthContext) => void | Promise<void>;

export interface SynthOptions {
  /** Seed of the invented values; the same seed gives byte-identical files. Default 0. */
  seed?: number;
  /** See SynthContext.size. Default 200. */
  size?: number;
}
