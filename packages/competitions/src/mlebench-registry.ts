import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@aira/core';
import { fallbackRegistryDir, mlebenchRegistryDir } from '@aira/grading';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * Files of MLE-bench's competition registry (docs/mlebench-grading.md §Registry), as laid out in the
 * registry folder: `competitions.json` plus `competitions/<id>/{config.yaml,checksums.yaml,
 * leaderboard.csv}`. Nothing here is fetched; the folder is configured.
 */

/**
 * The MLE-bench registry folder by @aira/grading's one rule (AIRA_MLEBENCH_DIR, else its default).
 * When neither exists the fallback path is still returned, so messages name where files were looked for.
 */
export function defaultRegistryDir(env: NodeJS.ProcessEnv = process.env): string {
  return mlebenchRegistryDir(env) ?? fallbackRegistryDir();
}

const Entry = z.looseObject({
  id: z.string(),
  leaderboardFile: z.string().optional(),
  leaderboardExact: z.boolean().optional(),
  note: z.string().nullable().optional(),
});
export type RegistryEntry = z.output<typeof Entry>;

const indexCache = new Map<string, Map<string, RegistryEntry>>();

/** The entries of `competitions.json`, by id; empty when the folder has no index. */
export function registryIndex(registryDir: string): Map<string, RegistryEntry> {
  let index = indexCache.get(registryDir);
  if (index) return index;
  index = new Map();
  const file = join(registryDir, 'competitions.json');
  if (existsSync(file)) {
    const parsed = z.array(Entry).safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new ConfigError(`invalid ${file}: ${z.prettifyError(parsed.error)}`);
    for (const e of parsed.data) index.set(e.id, e);
  }
  indexCache.set(registryDir, index);
  return index;
}

/**
 * The leaderboard file for an id. competitions.json names it (for ventilator-pressure-prediction
 * it is an approximate substitute, flagged leaderboardExact: false); otherwise the registry's
 * usual `competitions/<id>/leaderboard.csv`.
 */
export function leaderboardPath(
  registryDir: string,
  id: string,
): { path: string; exact: boolean; note?: string } {
  const e = registryIndex(registryDir).get(id);
  return {
    path: join(registryDir, e?.leaderboardFile ?? join('competitions', id, 'leaderboard.csv')),
    exact: e?.leaderboardExact ?? true,
    note: e?.note ?? undefined,
  };
}

export function checksumsPath(registryDir: string, id: string): string {
  return join(registryDir, 'competitions', id, 'checksums.yaml');
}

const Checksums = z.looseObject({
  zip: z.string().optional(),
  public: z.record(z.string(), z.string()).nullable().default({}),
  private: z.record(z.string(), z.string()).nullable().default({}),
});

/** MD5s of the prepared public/private files, as `mlebench prepare` checks them (§1.3 step 7). */
export interface Checksums {
  zip?: string;
  public: Record<string, string>;
  private: Record<string, string>;
}

export function readChecksums(file: string): Checksums {
  let raw: unknown;
  try {
    // failsafe: every scalar stays a string, so an all-digit MD5 is not read as a number.
    raw = parseYaml(readFileSync(file, 'utf8'), { schema: 'failsafe' });
  } catch (err) {
    throw new ConfigError(`cannot read checksums ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = Checksums.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`invalid checksums ${file}: ${z.prettifyError(parsed.error)}`);
  return { zip: parsed.data.zip, public: parsed.data.public ?? {}, private: parsed.data.private ?? {} };
}
