import { join } from 'node:path';
import { UserError } from '@aira/core';
import { MLEBENCH_SYNTH } from './mlebench/index.js';
import { SynthRng } from './rng.js';
import type { SynthOptions } from './types.js';

export type { SynthContext, SynthOptions, SynthWriter } from './types.js';
export { SynthRng } from './rng.js';
export { writeCsv, writeFile, writeZip } from './write.js';
export { MLEBENCH_SYNTH } from './mlebench/index.js';

/** Competition ids that have a synthetic-data writer. */
export function synthIds(): string[] {
  return Object.keys(MLEBENCH_SYNTH).sort();
}

/**
 * Writes small, deterministic, invented data for `id` under `<dataDir>/<id>/prepared/{public,private}`,
 * the layout `mlebench prepare` leaves, and returns that `prepared` folder.
 */
export async function synthCompetition(id: string, dataDir: string, opts: SynthOptions = {}): Promise<string> {
  const writer = MLEBENCH_SYNTH[id];
  if (!writer) throw new UserError(`no synthetic-data writer for competition "${id}" (have: ${synthIds().join(', ') || 'none'})`);
  const seed = opts.seed ?? 0;
  const root = join(dataDir, id, 'prepared');
  await writer({ id, root, rng: new SynthRng(seed, id), size: opts.size ?? 200 });
  return root;
}
