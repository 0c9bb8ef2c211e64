import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '@aira/core';
import { MLEBENCH_SYNTH } from './mlebench/index.js';
import { SynthRng } from './rng.js';
import type { SynthOptions } from './types.js';

export type { SynthContext, SynthOptions, SynthWriter } from './types.js';
export { SynthRng } from './rng.js';
export { csvText, writeCsv, writeFile, writeZip } from './write.js';
export { aiff, dicom, jpeg, npy, png, tiff, wav } from './media.js';
export { MLEBENCH_SYNTH } from './mlebench/index.js';

/** Competition ids that have a synthetic-data writer. */
export function synthIds(): string[] {
  return Object.keys(MLEBENCH_SYNTH).sort();
}

/** Beside (not inside) each `prepared` folder it writes: marks the data as invented, and by whom. */
export const SYNTH_MARKER = '.aira-synth.json';

/** True when `<dataDir>/<id>` holds data this package invented (not a real `mlebench prepare`). */
export function isSynthetic(id: string, dataDir: string): boolean {
  return existsSync(join(dataDir, id, SYNTH_MARKER));
}

/**
 * Writes small, deterministic, invented data for `id` under `<dataDir>/<id>/prepared/{public,private}`,
 * the layout `mlebench prepare` leaves, and returns that `prepared` folder. Synthetic data written
 * before is replaced whole; a prepared folder it did not write (real data) is never touched.
 */
export async function synthCompetition(
  id: string,
  dataDir: string,
  opts: SynthOptions = {},
): Promise<string> {
  const writer = MLEBENCH_SYNTH[id];
  if (!writer)
    throw new UserError(
      `no synthetic-data writer for competition "${id}" (have: ${synthIds().join(', ') || 'none'})`,
    );
  const seed = opts.seed ?? 0;
  const size = opts.size ?? 200;
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new UserError(`synthetic data: seed must be a non-negative integer, got ${seed}`);
  if (!Number.isSafeInteger(size) || size < 10)
    throw new UserError(
      `synthetic data: size must be an integer of at least 10 (units in the train part), got ${size}`,
    );
  const home = join(dataDir, id);
  const root = join(home, 'prepared');
  const marker = join(home, SYNTH_MARKER);
  if (existsSync(root) && !existsSync(marker)) {
    throw new UserError(
      `${root} exists and was not written by aira's synthetic-data writer (real prepared data?): refusing to overwrite it; choose another output folder`,
    );
  }
  rmSync(root, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(marker, `${JSON.stringify({ synthetic: true, competition: id, seed, size }, null, 2)}\n`);
  await writer({ id, root, rng: new SynthRng(seed, id), size });
  return root;
}

/** The options a synthetic data folder was written with, or null when it is not synthetic. */
export function synthOptionsOf(id: string, dataDir: string): Required<SynthOptions> | null {
  const marker = join(dataDir, id, SYNTH_MARKER);
  if (!existsSync(marker)) return null;
  const m = JSON.parse(readFileSync(marker, 'utf8')) as { seed: number; size: number };
  return { seed: m.seed, size: m.size };
}
