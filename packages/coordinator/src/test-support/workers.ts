import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { silentLogger } from '@aira/core';
import { ensureTokenFile, readTokenFile } from '@aira/protocol';
import { airaBin, assertBuilt, tempDir } from '@aira/testing';
import { readJournal } from '../journal/reader.js';
import type { JournalEvent } from '../journal/events.js';
import { cliWorkerLauncher, type LocalWorkerProcess } from '../pool/local.js';
import { WorkerPool } from '../pool/pool.js';
import type { PoolWorker } from '../pool/pool-worker.js';
import type { SessionHooks, WorkerSession } from '../session/worker-session.js';
import { scoreScript } from '@aira/testing';

/** The built `aira` command: tests run real worker daemons and real coordinators through it. */
export const AIRA_BIN = airaBin();
export { assertBuilt };

export const launcher = cliWorkerLauncher(AIRA_BIN, ['--log-level', 'warn']);

export interface TestWorkers {
  tokenFile: string;
  hostsFile: string;
  workers: LocalWorkerProcess[];
  stopAll(): Promise<void>;
}

/**
 * n real worker daemons in a temporary folder for the whole test file: started before its first
 * test (`take` receives them and the folder), stopped and removed after its last.
 */
export function useWorkers(
  n: number,
  prefix: string,
  take: (workers: TestWorkers, root: string) => void,
): void {
  let held: TestWorkers | undefined;
  let cleanup: (() => void) | undefined;
  beforeAll(async () => {
    const t = tempDir(prefix);
    cleanup = t.cleanup;
    held = await startWorkers(n, t.dir);
    take(held, t.dir);
  });
  afterAll(async () => {
    await held?.stopAll();
    cleanup?.();
  });
}

/** Starts n real worker daemons (`aira worker`) sharing one token, and writes a hosts file for them. */
export async function startWorkers(n: number, dir: string): Promise<TestWorkers> {
  assertBuilt();
  const tokenFile = join(dir, 'token');
  ensureTokenFile(tokenFile);
  const workers = await Promise.all(
    Array.from({ length: n }, (_, index) =>
      launcher({
        index,
        tokenFile,
        workdir: join(dir, `worker-${index}`),
        logFile: join(dir, `worker-${index}.log`),
      }),
    ),
  );
  const hostsFile = join(dir, 'hosts');
  writeFileSync(hostsFile, `${workers.map((w) => w.address).join('\n')}\n`);
  return {
    tokenFile,
    hostsFile,
    workers,
    stopAll: async () => void (await Promise.all(workers.map((w) => w.stop()))),
  };
}

export function journalOf(runDir: string): JournalEvent[] {
  return readJournal(join(runDir, 'journal.jsonl')).events;
}

export { eventsOfType as eventsOf } from '../journal/reader.js';

/** A Python solution: sleeps by its seed between min and max seconds, writes a prediction, prints its score. */
export function sleepyScript(dir: string, minS: number, maxS: number, extra = ''): string {
  return scoreScript(dir, `${minS} + rng.random() * ${maxS - minS}`, extra);
}

/** One real worker daemon in a temp folder, joined to a pool, for tests that drive sessions directly. */
export interface PooledWorker {
  root: string;
  workers: TestWorkers;
  pool: WorkerPool;
  worker: PoolWorker;
  close(): Promise<void>;
}

export async function startPooledWorker(prefix: string): Promise<PooledWorker> {
  const { dir: root, cleanup } = tempDir(prefix);
  const workers = await startWorkers(1, root);
  const pool = new WorkerPool({
    token: readTokenFile(workers.tokenFile),
    leaseMs: 10_000,
    heartbeatMs: 1_000,
    callDeadlineMs: 10_000,
    logger: silentLogger(),
  });
  const worker = await pool.add(workers.workers[0]!.address, 'hosts');
  return {
    root,
    workers,
    pool,
    worker,
    async close() {
      await pool.close({ stopLocal: false });
      await workers.stopAll();
      cleanup();
    },
  };
}

/**
 * A session's options as a test's job gets them: its exec logs under `root/logs`, hooks that
 * journal nothing unless given.
 */
export function testSessionOptions(
  root: string,
  hooks: Partial<SessionHooks> = {},
): Parameters<typeof WorkerSession.fromOpened>[2] {
  return {
    perExecMs: 60_000,
    callDeadlineMs: 10_000,
    signal: new AbortController().signal,
    logger: silentLogger(),
    hooks: {
      logPath: (execId) => join(root, 'logs', `${execId}.log`),
      execStarted: async () => undefined,
      execFinished: async () => undefined,
      ...hooks,
    },
  };
}
