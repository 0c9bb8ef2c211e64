import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, UserError } from '@aira/core/errors';

/** Repository root: this file lives in packages/grading/{src,dist}/. */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The MLE-bench registry folder (competition configs + leaderboards), found through ONE setting:
 * env `AIRA_MLEBENCH_DIR` (our shared/mlebench folder or a user's MLE-bench checkout), else
 * `../shared/mlebench` beside the repository when it exists; null when neither is there.
 */
export function mlebenchRegistryDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const fromEnv = env['AIRA_MLEBENCH_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return isAbsolute(fromEnv) ? fromEnv : resolve(fromEnv);
  const fallback = fallbackRegistryDir();
  return existsSync(fallback) ? fallback : null;
}

/** Where the registry folder is looked for without AIRA_MLEBENCH_DIR (named in messages even when absent). */
export function fallbackRegistryDir(): string {
  return resolve(REPO_ROOT, '..', 'shared', 'mlebench');
}

/** What the registry says about one competition (from competitions.json, or a checkout's folder). */
export interface CompetitionEntry {
  id: string;
  name: string;
  metric: string;
  higherIsBetter: boolean | null;
  leaderboardFile: string; // absolute path
  /** False when the leaderboard is not MLE-bench's own file (ventilator-pressure-prediction). */
  leaderboardExact: boolean;
  note: string | null;
  teams: number | null;
  medalThresholds: { gold: number; silver: number; bronze: number; median: number } | null;
  lite: boolean;
  inMLEbench30: boolean;
  complexity: string | null;
}

const cache = new Map<string, CompetitionEntry[]>();

/** Requires the registry folder, with a one-line error naming the setting when absent. */
export function requireRegistryDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = mlebenchRegistryDir(env);
  if (dir === null)
    throw new ConfigError(
      'MLE-bench registry not found: set AIRA_MLEBENCH_DIR to the folder with competitions.json (or an MLE-bench checkout)',
    );
  if (!existsSync(dir))
    throw new ConfigError(`MLE-bench registry not found at ${dir} (from AIRA_MLEBENCH_DIR)`);
  return dir;
}

/** Every competition in the registry (82 for MLE-bench), read once per folder. */
export function registryEntries(dir: string = requireRegistryDir()): CompetitionEntry[] {
  const hit = cache.get(dir);
  if (hit) return hit;
  const json = join(dir, 'competitions.json');
  let entries: CompetitionEntry[];
  if (existsSync(json)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(json, 'utf8'));
    } catch (err) {
      throw new ConfigError(`${json}: not valid JSON (${(err as Error).message})`);
    }
    if (!Array.isArray(parsed)) throw new ConfigError(`${json}: expected an array of competitions`);
    entries = parsed.map((raw: Record<string, unknown>, i) => {
      if (typeof raw['id'] !== 'string' || typeof raw['leaderboardFile'] !== 'string')
        throw new ConfigError(`${json}: entry ${i} lacks id or leaderboardFile`);
      return {
        id: raw['id'],
        name: typeof raw['name'] === 'string' ? raw['name'] : raw['id'],
        metric: typeof raw['metric'] === 'string' ? raw['metric'] : '',
        higherIsBetter: typeof raw['higherIsBetter'] === 'boolean' ? raw['higherIsBetter'] : null,
        leaderboardFile: resolve(dir, raw['leaderboardFile']),
        leaderboardExact: raw['leaderboardExact'] !== false,
        note: typeof raw['note'] === 'string' ? raw['note'] : null,
        teams: typeof raw['teams'] === 'number' ? raw['teams'] : null,
        medalThresholds: (raw['medalThresholds'] as CompetitionEntry['medalThresholds']) ?? null,
        lite: raw['lite'] === true,
        inMLEbench30: raw['inMLEbench30'] === true,
        complexity: typeof raw['complexity'] === 'string' ? raw['complexity'] : null,
      };
    });
  } else {
    entries = checkoutEntries(dir);
  }
  cache.set(dir, entries);
  return entries;
}

/** A user's MLE-bench checkout: mlebench/competitions/<id>/leaderboard.csv (or competitions/<id>/). */
function checkoutEntries(dir: string): CompetitionEntry[] {
  const base = [join(dir, 'mlebench', 'competitions'), join(dir, 'competitions')].find((p) => existsSync(p));
  if (!base)
    throw new ConfigError(`${dir}: neither competitions.json nor an MLE-bench competitions/ folder is there`);
  return [];
}

/** The registry entry for one competition; a one-line error for an unknown id. */
export function competitionEntry(id: string, dir: string = requireRegistryDir()): CompetitionEntry {
  const entry = registryEntries(dir).find((e) => e.id === id);
  if (entry) return entry;
  // A checkout without competitions.json: the folder itself.
  for (const base of [join(dir, 'mlebench', 'competitions'), join(dir, 'competitions')]) {
    const lb = join(base, id, 'leaderboard.csv');
    if (existsSync(lb)) {
      return {
        id,
        name: id,
        metric: '',
        higherIsBetter: null,
        leaderboardFile: lb,
        leaderboardExact: true,
        note: null,
        teams: null,
        medalThresholds: null,
        lite: false,
        inMLEbench30: false,
        complexity: null,
      };
    }
  }
  throw new UserError(`unknown competition "${id}" (not in the MLE-bench registry at ${dir})`);
}
