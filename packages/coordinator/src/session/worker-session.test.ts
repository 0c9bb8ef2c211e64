import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server, ServerCredentials, type ServerWritableStream } from '@grpc/grpc-js';
import { WorkerConnection, WorkerServiceService } from '@aira/protocol';
import { ExecGoneError } from '../agent/types.js';
import type { PoolWorker } from '../pool/pool-worker.js';
import { startPooledWorker, testSessionOptions, type PooledWorker } from '../test-support/workers.js';
import { WorkerSession, openSessionRpc } from './worker-session.js';

let root: string;
let worker: PoolWorker;
let setup: PooledWorker;
beforeAll(async () => {
  setup = await startPooledWorker('aira-wsession-');
  ({ root, worker } = setup);
});
afterAll(async () => {
  await setup?.close();
});

/** A session on the real worker, as a resumed coordinator rebuilds it from the journal. */
async function session(id: string): Promise<{ s: WorkerSession; started: string[] }> {
  const res = await openSessionRpc(worker, { sessionId: id, labels: {}, callDeadlineMs: 10_000 });
  const started: string[] = [];
  const s = WorkerSession.fromOpened(
    worker,
    res,
    testSessionOptions(root, { execStarted: async (x) => void started.push(x.execId) }),
  );
  return { s, started };
}

describe('taking over an exec after a coordinator restart', () => {
  it('runs, once, an exec that was journaled but never reached the worker, and follows it when it did', async () => {
    const { s, started } = await session('wsession-a');
    // The first coordinator journaled x1 and died before sending it: the worker has no such exec.
    await expect(s.attach('wsession-a.x1')).rejects.toThrow(ExecGoneError);
    // Paths as the session's code sees them (the worker may sandbox it).
    const count = `${s.dirs.work}/count.txt`;
    const start = { kind: 'bash' as const, code: `echo ran >> ${count}; echo hello` };
    const first = await s.attach('wsession-a.x1', { label: 'solution', start });
    expect(first).toMatchObject({ execId: 'wsession-a.x1', exitCode: 0, output: 'hello\n' });
    // A second take-over of the same exec follows the one the worker has: it does not run again.
    const again = await s.attach('wsession-a.x1', { label: 'solution', start });
    expect(again).toMatchObject({ exitCode: 0, output: 'hello\n' });
    expect(readFileSync(join(root, 'logs', 'wsession-a.x1.log'), 'utf8')).toBe('hello\n');
    // Attaching journals nothing new; the session's next exec gets the next number.
    expect(started).toEqual([]);
    expect(await s.exec('bash', `cat ${count}`)).toMatchObject({ execId: 'wsession-a.x2', output: 'ran\n' });
    expect(started).toEqual(['wsession-a.x2']);
    await s.close();
  });

  it('fails at once, as a gone exec, when the session itself is not on the worker', async () => {
    const { s } = await session('wsession-b');
    await s.close();
    const again = WorkerSession.fromOpened(
      worker,
      { sessionId: 'wsession-b', dataDir: '', workDir: s.dirs.work, submissionDir: '', protection: '' },
      testSessionOptions(root),
    );
    await expect(
      again.attach('wsession-b.x1', { start: { kind: 'bash', code: 'echo never' } }),
    ).rejects.toThrow(/does not know session wsession-b \(exec wsession-b\.x1\)/);
  });
});

describe('exec requests and streams', () => {
  it('sends a fractional time limit as a whole number of ms, and the exec runs', async () => {
    const { s } = await session('wsession-c');
    // The ReAct agent gives a tool call the time left in its job: a fraction of a ms.
    expect(await s.exec('bash', 'echo ran', { timeoutMs: 2999.5 })).toMatchObject({
      exitCode: 0,
      output: 'ran\n',
      reason: '',
    });
    await s.close();
  });

  it("keeps an exec's whole output in its log, byte for byte and in order, across many chunks", async () => {
    const { s } = await session('wsession-log');
    // ~1.3 MB in many stream messages; then a second exec appends to its own log.
    const r = await s.exec('bash', 'seq 1 200000; printf tail');
    expect(r.exitCode).toBe(0);
    const expected = `${Array.from({ length: 200000 }, (_, i) => i + 1).join('\n')}\ntail`;
    expect(readFileSync(r.logPath, 'utf8') === expected).toBe(true);
    const r2 = await s.exec('bash', 'echo second');
    expect(readFileSync(r2.logPath, 'utf8')).toBe('second\n');
    await s.close();
  });

  it('fails the exec, instead of waiting, when a worker ends its stream without `finished`', async () => {
    // A real gRPC server on loopback that answers Exec and Attach with `started` and then ends.
    const server = new Server();
    const startedOnly = (call: ServerWritableStream<{ execId: string }, unknown>) => {
      call.write({
        event: {
          seq: 0,
          unixMs: Date.now(),
          event: {
            $case: 'started',
            value: { execId: call.request.execId, sessionId: 's', startedUnixMs: Date.now() },
          },
        },
      });
      call.end();
    };
    server.addService(WorkerServiceService, { exec: startedOnly, attach: startedOnly } as never);
    const port = await new Promise<number>((res, rej) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
    );
    const conn = new WorkerConnection({ address: `127.0.0.1:${port}`, token: 't' });
    const odd = { ...worker, id: 'odd-worker', conn } as PoolWorker;
    const s = WorkerSession.fromOpened(
      odd,
      { sessionId: 's', dataDir: '/d', workDir: '/w/work', submissionDir: '/s', protection: 'none' },
      testSessionOptions(root),
    );
    try {
      await expect(s.exec('bash', 'true')).rejects.toThrow(
        /worker odd-worker ended the stream of exec s\.x1 before it finished/,
      );
    } finally {
      conn.close();
      server.forceShutdown();
    }
  });
});

describe("an exec's files", () => {
  const blob = (data: Buffer) => {
    const sha = createHash('sha256').update(data).digest('hex');
    return join(root, 'worker-0', 'blobs', sha.slice(0, 2), sha);
  };

  it('travel in the Exec call where the worker takes them, else are put by PutFiles before it', async () => {
    const { s } = await session('wsession-files');
    expect(worker.info.features).toContain('exec.files');
    const small = Buffer.from(`small ${Date.now()}\n`);
    const r = await s.exec('bash', 'cat in/small.txt', {
      files: [{ path: 'work/in/small.txt', data: small }],
    });
    expect(r.output).toBe(small.toString());
    expect(existsSync(blob(small))).toBe(false); // not through PutFiles and the blob cache

    // Past the size that travels with an exec: put first (through the cache), then run.
    const big = Buffer.alloc(70 * 1024, 'b');
    const r2 = await s.exec('bash', 'wc -c < in/big.bin', {
      files: [{ path: 'work/in/big.bin', data: big }],
    });
    expect(r2.output.trim()).toBe(String(big.length));
    expect(existsSync(blob(big))).toBe(true);

    // A worker that does not list the feature gets them by PutFiles too.
    const features = worker.info.features;
    worker.info.features = [];
    try {
      const old = Buffer.from(`old worker ${Date.now()}\n`);
      const r3 = await s.exec('bash', 'cat in/old.txt', { files: [{ path: 'work/in/old.txt', data: old }] });
      expect(r3.output).toBe(old.toString());
      expect(existsSync(blob(old))).toBe(true);
    } finally {
      worker.info.features = features;
    }
    await s.close();
  });
});
