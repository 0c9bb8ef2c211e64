import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** plugins/mini (src/ and dist/ both sit one level below it). */
export const MINI_PLUGIN_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Every competition of the mini plugin. */
export const MINI_IDS = [
  'mini-fashion-mnist',
  'mini-fortunes',
  'mini-breast-cancer',
  'mini-diabetes',
  'mini-letter',
  'mini-satellite',
] as const;

/**
 * The suite "mini" (suites/mini.yaml), in suite order: the competitions where a first draft is far
 * from the best reachable score, so search, parallel workers and HCE have something to show.
 * mini-breast-cancer and mini-diabetes stay in the plugin (suite "mini-easy"), but a first linear
 * model is already near their ceiling.
 */
export const MINI_SUITE = ['mini-letter', 'mini-satellite', 'mini-fashion-mnist', 'mini-fortunes'] as const;
export type MiniId = (typeof MINI_IDS)[number];

export function isMiniId(id: string): id is MiniId {
  return (MINI_IDS as readonly string[]).includes(id);
}

/** How the leaderboards of this suite must be labelled wherever a rank or medal is shown. */
export const MINI_LEADERBOARD_LABEL = 'reference leaderboard';

/** The folder holding a competition's manifest, prepare.py, leaderboard.csv and baseline.json. */
export function competitionDir(id: MiniId): string {
  return join(MINI_PLUGIN_DIR, id);
}

/**
 * Where the mini suite's prepared data goes when no data folder is given: AIRA_MINI_DATA, else
 * ~/.cache/aira/mini. Each competition then lives at <data>/<id>/prepared/{public,private}, MLE-bench's
 * layout (docs/mlebench-grading.md §Data folder), so the same folder also works as a `--data` folder.
 */
export function miniDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.AIRA_MINI_DATA || join(homedir(), '.cache', 'aira', 'mini'));
}

/** The Python that runs the prepare scripts: AIRA_PYTHON, else Debian's. */
export function miniPython(env: NodeJS.ProcessEnv = process.env): string {
  return env.AIRA_PYTHON || '/usr/bin/python3';
}
