import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** MLE-bench's own default (docs/mlebench-grading.md §Data folder: appdirs user cache dir + mle-bench/data). */
export const MLEBENCH_DEFAULT_DATA = join(homedir(), '.cache', 'mle-bench', 'data');

/** The prepared-data folder: an explicit flag wins, then AIRA_MLEBENCH_DATA, then MLE-bench's default. */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? (env.AIRA_MLEBENCH_DATA || MLEBENCH_DEFAULT_DATA));
}
