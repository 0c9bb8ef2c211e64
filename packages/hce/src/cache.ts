import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '@aira/core';

/** Where HCE splits are cached: an explicit folder, else AIRA_HCE_CACHE, else ~/.cache/aira/hce. */
export function hceCacheDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(explicit ?? (env.AIRA_HCE_CACHE || join(homedir(), '.cache', 'aira', 'hce')));
}

/**
 * The split seed: separate from the run seed and fixed across seeds (docs/paper.md §HCE: the
 * same split for all seeds and all candidates). An explicit value, else AIRA_HCE_SPLIT_SEED, else 0.
 */
export function hceSplitSeed(explicit?: number, env: NodeJS.ProcessEnv = process.env): number {
  if (explicit !== undefined) return explicit;
  const text = env.AIRA_HCE_SPLIT_SEED;
  if (text === undefined || text === '') return 0;
  if (!/^\d+$/.test(text.trim()))
    throw new ConfigError(`AIRA_HCE_SPLIT_SEED: expected a non-negative integer, got "${text}"`);
  return Number(text.trim());
}
