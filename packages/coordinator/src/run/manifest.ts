import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { AIRA_VERSION } from '@aira/core';
import type { ResolvedSearch, RunConfig } from '../config/schema.js';
import type { WorkerInfo } from '../journal/events.js';
import type { WorkerPool } from '../pool/pool.js';
import { workerInfo } from '../pool/pool-worker.js';

/** The aira checkout this code runs from (…/packages/coordinator/{src,dist}/run → root). */
const AIRA_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

let gitCache: { commit: string | null; dirty: boolean } | undefined;

/** Commit of the aira checkout and whether it has uncommitted changes (null outside git). */
export function airaGitCommit(): { commit: string | null; dirty: boolean } {
  if (gitCache) return gitCache;
  const head = spawnSync('git', ['-C', AIRA_ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8', timeout: 5_000 });
  const dirty = spawnSync('git', ['-C', AIRA_ROOT, 'status', '--porcelain', '--untracked-files=no'], {
    encoding: 'utf8',
    timeout: 5_000,
  });
  gitCache = {
    commit: head.status === 0 ? head.stdout.trim() : null,
    dirty: dirty.status === 0 && dirty.stdout.trim() !== '',
  };
  return gitCache;
}

export interface RunManifest {
  airaVersion: string;
  git: { commit: string | null; dirty: boolean };
  studyId: string;
  runId: string;
  competition: string | null;
  seed: number;
  agent: string;
  evaluator: string;
  config: RunConfig;
  provenance: Record<string, string>;
  search: ResolvedSearch;
  workers: Array<WorkerInfo & { id: string }>;
  /** The candidate Python environment each distinct worker declares (Describe). */
  python: Array<{ executable: string; version: string; runner: string; packages: Record<string, string> }>;
  startedAt: string;
  host: { hostname: string; node: string; pid: number };
  /** Set when the run is not protected (a worker without a sandbox). */
  unprotected: boolean;
}

/** What the run was started with, as given; the rest is read from the pool and the host. */
type ManifestArgs = Pick<
  RunManifest,
  'studyId' | 'runId' | 'competition' | 'seed' | 'agent' | 'evaluator' | 'config' | 'provenance' | 'search'
>;

export function buildManifest(args: ManifestArgs & { pool: WorkerPool }): RunManifest {
  const workers = args.pool.list().filter((w) => w.state !== 'closed');
  const pythons = new Map<string, RunManifest['python'][number]>();
  for (const w of workers) {
    const p = w.info.python;
    if (p && !pythons.has(`${p.executable}|${p.version}|${p.runner}`)) {
      pythons.set(`${p.executable}|${p.version}|${p.runner}`, {
        executable: p.executable,
        version: p.version,
        runner: p.runner,
        packages: { ...p.packages },
      });
    }
  }
  return {
    airaVersion: AIRA_VERSION,
    git: airaGitCommit(),
    studyId: args.studyId,
    runId: args.runId,
    competition: args.competition,
    seed: args.seed,
    agent: args.agent,
    evaluator: args.evaluator,
    config: args.config,
    provenance: args.provenance,
    search: args.search,
    workers: workers.map((w) => ({ id: w.id, ...workerInfo(w) })),
    python: [...pythons.values()],
    startedAt: new Date().toISOString(),
    host: { hostname: hostname(), node: process.version, pid: process.pid },
    unprotected: workers.some((w) => (w.info.sandbox?.mechanism ?? 'none') === 'none'),
  };
}
