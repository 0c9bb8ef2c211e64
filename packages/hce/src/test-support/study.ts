import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Competition } from '@aira/competitions';
import {
  ArtifactStore,
  cliWorkerLauncher,
  defaultRegistry,
  eventsOfType,
  readJournal,
  runStudy,
  RunConfig,
  type CandidateRecord,
  type JournalEvent,
  type RunConfigInput,
} from '@aira/coordinator';
import { airaBin, assertBuilt } from '@aira/testing';
import { registerHce } from '../register.js';

/** The built `aira` command: the local pool starts real worker daemons through it. */
export const AIRA_BIN = airaBin();
export { assertBuilt };

let help: string | undefined;
/** Whether `aira worker` takes --sandbox (the worker's bubblewrap integration). */
export function workerHasSandboxFlag(): boolean {
  help ??=
    spawnSync(process.execPath, [AIRA_BIN, 'worker', '--help'], { encoding: 'utf8', timeout: 30_000 })
      .stdout ?? '';
  return help.includes('--sandbox');
}

export interface StudyRun {
  dir: string;
  runDir: string;
  events: JournalEvent[];
  candidates: CandidateRecord[];
  artifacts: ArtifactStore;
  manifest: { unprotected: boolean; evaluator: string };
}

/**
 * One run of the script agent on a competition through the coordinator's local pool (real
 * `aira worker` daemons on 127.0.0.1:0), with HCE registered as the cli registers it.
 */
export async function runOn(
  c: Competition,
  o: {
    out: string;
    cacheDir: string;
    script: string;
    hce: 'on' | 'off';
    workers?: number;
    jobs: number;
    workerArgs?: string[];
    transfer?: 'path' | 'upload';
  },
): Promise<StudyRun> {
  assertBuilt();
  const input: RunConfigInput = {
    competitions: [c.id],
    out: o.out,
    hce: o.hce,
    agent: { name: 'script', script: o.script },
    search: { policy: 'best-of-k' },
    budget: { maxJobs: o.jobs, wallClock: 600_000, perExec: 300_000 },
    workers: { spec: [`local:${o.workers ?? 2}`], heartbeat: 500 },
  };
  const registry = registerHce(defaultRegistry(), {
    resolve: () => c,
    cacheDir: o.cacheDir,
    transfer: o.transfer,
  });
  const res = await runStudy(RunConfig.parse(input), {
    registry,
    launcher: cliWorkerLauncher(AIRA_BIN, ['--log-level', 'warn', ...(o.workerArgs ?? [])]),
    tickMs: 60_000,
  });
  const run = res.runs[0]!;
  const runDir = join(res.dir, run.runId);
  const events = readJournal(join(runDir, 'journal.jsonl')).events;
  const candidates = eventsOfType(events, 'candidate.added').map((e) => e.candidate);
  const { readFileSync } = await import('node:fs');
  return {
    dir: res.dir,
    runDir,
    events,
    candidates,
    artifacts: new ArtifactStore(join(runDir, 'artifacts')),
    manifest: JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as StudyRun['manifest'],
  };
}
