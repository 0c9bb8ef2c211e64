import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@aira/core';
import { scriptAgent } from '../agent/script-agent.js';
import { ExecGoneError, type LocalSessionFile, type SessionFile } from '../agent/types.js';
import { RunConfig } from '../config/schema.js';
import type { PoolWorker } from '../pool/pool-worker.js';
import { listSessions } from '../pool/sessions.js';
import { WorkerSession } from '../session/worker-session.js';
import {
  eventsOf,
  journalOf,
  sleepyScript,
  startPooledWorker,
  testSessionOptions,
  type PooledWorker,
  type TestWorkers,
} from '../test-support/workers.js';
import { Closings } from './closings.js';
import { defaultRegistry, registerAgent } from './registry.js';
import { SpareSessions } from './spares.js';
import { runStudy } from './study.js';

// One real worker daemon (`aira worker` on 127.0.0.1:0) shared by these tests.
let root: string;
let workers: TestWorkers;
let worker: PoolWorker;
let setup: PooledWorker;
beforeAll(async () => {
  setup = await startPooledWorker('aira-spares-');
  ({ root, workers, worker } = setup);
});
afterAll(async () => {
  await setup?.close();
});

function spares(depth = 1, closings = new Closings(silentLogger())): SpareSessions {
  return new SpareSessions({
    studyId: 'st',
    runId: 'run',
    callDeadlineMs: 10_000,
    logger: silentLogger(),
    closings,
    depth,
  });
}

/** Session ids open on the worker. */
async function openOnWorker(): Promise<string[]> {
  return (await listSessions(worker.conn, 10_000)).map((x) => x.sessionId);
}

/** The taken spare as a job uses it. */
function sessionOf(opened: Parameters<typeof WorkerSession.fromOpened>[1]): WorkerSession {
  return WorkerSession.fromOpened(worker, opened, testSessionOptions(root));
}

describe('spare sessions opened ahead', () => {
  it('receive the files every job gets, and a job starts in one with them in place', async () => {
    const local = join(root, 'train.csv');
    writeFileSync(local, 'id,y\n1,0\n');
    const s = spares();
    s.open(worker, undefined, [
      { path: 'work/solution.sh', data: Buffer.from('echo hi\n'), mode: 0o755 },
      { path: 'data/train.csv', localPath: local },
    ]);
    const taken = await s.take(worker);
    expect(taken?.filesPut).toBe(true);
    const session = sessionOf(taken!.opened);
    const got = await session.getFiles(['work/solution.sh', 'data/train.csv']);
    expect(Object.fromEntries(got.map((f) => [f.path, f.data.toString()]))).toEqual({
      'work/solution.sh': 'echo hi\n',
      'data/train.csv': 'id,y\n1,0\n',
    });
    // Executable as put: the job runs it straight away.
    const run = await session.exec('bash', `cd ${session.dirs.work} && ./solution.sh`);
    expect(run).toMatchObject({ exitCode: 0, output: 'hi\n' });
    await session.close();
    // Taken once: the next job finds none until another is opened.
    expect(await s.take(worker)).toBeUndefined();
  });

  it('that could not receive them still open, saying so, and the job puts them itself', async () => {
    const gone = join(root, 'gone.csv'); // never written: the upload fails before anything is sent
    const s = spares();
    s.open(worker, undefined, [{ path: 'data/gone.csv', localPath: gone }]);
    const taken = await s.take(worker);
    expect(taken).toBeDefined();
    expect(taken!.filesPut).toBe(false);
    const session = sessionOf(taken!.opened);
    // The job's own put, as an attempt makes it when the spare lacks the files.
    writeFileSync(gone, 'late\n');
    await session.putFiles([{ path: 'data/gone.csv', localPath: gone }]);
    expect((await session.getFiles(['data/gone.csv']))[0]!.data.toString()).toBe('late\n');
    await session.close();
  });

  it('kept two per worker: a job takes the oldest, one more opens as one is taken, dropping closes them', async () => {
    const closings = new Closings(silentLogger());
    const s = spares(2, closings);
    s.open(worker, undefined);
    const [first, second, ...more] = s.ids();
    expect(more).toEqual([]);
    expect(second).toBeDefined();
    s.open(worker, undefined); // already two: nothing more opens
    expect(s.ids()).toEqual([first, second]);
    const taken = await s.take(worker);
    expect(taken?.opened.sessionId).toBe(first);
    expect(s.ids()).toEqual([second]);
    s.open(worker, undefined);
    const [, third] = s.ids();
    expect(s.ids()).toEqual([second, third]);
    await sessionOf(taken!.opened).close();
    // Both spares are open on the worker (a take waits for its spare; so does this).
    await s.take(worker).then((t) => t && sessionOf(t.opened).close());
    expect(await openOnWorker()).toContain(third);
    s.drop(worker, true);
    expect(s.ids()).toEqual([]);
    await closings.settle(10_000);
    expect(await openOnWorker()).not.toContain(third);
    expect(await s.take(worker)).toBeUndefined();
  });

  it('have their shell started by the worker when it opens them, without a warm-up exec', async () => {
    expect(worker.info.features).toContain('session.start');
    const s = spares();
    s.open(worker, undefined);
    const taken = await s.take(worker);
    const session = sessionOf(taken!.opened);
    await new Promise((r) => setTimeout(r, 1_500));
    // bash counts SECONDS from its own start: a shell started by this exec would say 0.
    const run = await session.exec('bash', 'echo $SECONDS');
    expect(Number(run.output.trim())).toBeGreaterThanOrEqual(1);
    // The worker never saw a warm-up exec.
    await expect(session.attach(`${session.id}.warm-up`)).rejects.toThrow(ExecGoneError);
    await session.close();
  });

  it('on a worker that does not list "session.start", have their shell started by a warm-up exec', async () => {
    const features = worker.info.features;
    worker.info.features = features.filter((f) => f !== 'session.start');
    try {
      const s = spares();
      s.open(worker, undefined);
      const taken = await s.take(worker);
      const session = sessionOf(taken!.opened);
      const warm = await session.attach(`${session.id}.warm-up`);
      expect(warm.exitCode).toBe(0);
      await session.close();
    } finally {
      worker.info.features = features;
    }
  });

  it('none when kept at zero', async () => {
    const s = spares(0);
    s.open(worker, undefined);
    expect(s.ids()).toEqual([]);
    expect(await s.take(worker)).toBeUndefined();
  });

  it('with nothing to receive count as having it all', async () => {
    const s = spares();
    s.open(worker, undefined);
    const taken = await s.take(worker);
    expect(taken?.filesPut).toBe(true);
    await sessionOf(taken!.opened).close();
  });
});

describe('jobs in spare sessions', () => {
  it('find the common files whether their spare received them or not', async () => {
    const good = join(root, 'common.txt');
    writeFileSync(good, 'ok\n');
    // Every second attempt's common files name a file that is not there: the spare it opens for
    // the next job cannot receive them, so that job puts the (then readable) files itself.
    let reads = 0;
    const registry = defaultRegistry();
    registerAgent(registry, {
      id: 'alternating',
      description: 'the script agent, with an extra common file readable every other time',
      create: (config) => {
        const inner = scriptAgent(config);
        return {
          name: 'alternating',
          get sessionFiles(): Array<SessionFile | LocalSessionFile> {
            const local = ++reads % 2 === 0 ? join(root, 'missing.txt') : good;
            return [...inner.sessionFiles!, { path: 'work/common.txt', localPath: local }];
          },
          runJob: (job, session, ctx) => inner.runJob(job, session, ctx),
        } as ReturnType<typeof scriptAgent>;
      },
    });
    const script = sleepyScript(root, 0.05, 0.1, 'print("common:", open("common.txt").read().strip())');
    const res = await runStudy(
      RunConfig.parse({
        out: join(root, 'study'),
        agent: { name: 'alternating', script },
        budget: { maxJobs: 5 },
        // One spare at a time, so that reads alternate between a spare's files and its job's own.
        workers: { spec: [`hosts:${workers.hostsFile}`], tokenFile: workers.tokenFile, spares: 1 },
      }),
      { registry, tickMs: 60_000 },
    );
    const events = journalOf(join(res.dir, res.runs[0]!.runId));
    const finished = eventsOf(events, 'exec.finished').filter((e) => e.attempt === 1);
    expect(finished.length).toBe(5);
    expect(finished.map((e) => e.exitCode)).toEqual([0, 0, 0, 0, 0]);
    const opened = eventsOf(events, 'session.opened');
    expect(opened.filter((o) => o.sessionId.includes('.spare-')).length).toBeGreaterThanOrEqual(3);
    expect(reads).toBeGreaterThanOrEqual(4);
  }, 120_000);
});
