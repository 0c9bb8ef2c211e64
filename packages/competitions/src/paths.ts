import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository this package sits in (src/ and dist/ are both one level below the package). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where `plugins/*` are discovered unless a caller says otherwise. */
export const PLUGINS_DIR = join(REPO_ROOT, 'plugins');

/** Suite files that are not part of any plugin. */
export const SUITES_DIR = join(REPO_ROOT, 'benchmarks', 'suites');

/** MLE-bench's own default (docs/mlebench-grading.md §Data folder: appdirs user cache dir + mle-bench/data). */
export const MLEBENCH_DEFAULT_DATA = join(homedir(), '.cache', 'mle-bench', 'data');

/** The prepared-data folder: an explicit flag wins, then AIRA_MLEBENCH_DATA, then MLE-bench's default. */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? (env.AIRA_MLEBENCH_DATA || MLEBENCH_DEFAULT_DATA));
}
