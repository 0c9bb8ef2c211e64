import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputStream, type ExecEvent, type ExecResponse } from '@aira/protocol';
import {
  collect,
  eventually,
  execRequest,
  openSession,
  startTestWorker,
  summarize,
  type TestWorker,
  unary,
} from '../test-support/worker.js';

let w: TestWorker;
beforeAll(async () => {
  w = await startTestWorker();
});
afterAll(async () => {
  await w?.stop();
});

function memoryKb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  return Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

/** Checks seqs are 0..n-1 with started first and finished last. */
function expectContiguous(events: ExecEvent[]): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
  expect(events[0]!.event?.$case).toBe('started');
  expect(events.at(-1)!.event?.$case).toBe('finished');
}

function expectNumberedLines(text: string, n: number): void {
  const lines = text.split('\n');
  expect(lines.pop()).toBe('');
  expect(lines.length).toBe(n);
  for (let i = 0; i < n; i++)
    if (lines[i] !== String(i + 1)) throw new Error(`line ${i + 1} is "${lines[i]}"`);
}

describe('exec output', () => {
  it('delivers 10^6 lines complete and in order', async () => {
    const s = await openSession(w.connection);
    const r = await collect(w.connection.stream('exec', execRequest(s, 'seq 1 1000000')));
    expectContiguous(r.events);
    expectNumberedLines(r.stdout, 1_000_000);
    let bytes = 0;
    for (let i = 1; i <= 1_000_000; i++) bytes += String(i).length + 1;
    expect(r.finished).toMatchObject({ exitCode: 0, outputBytes: bytes, outputTruncated: false });
  });

  it('streams 24 MiB of binary output byte-identical, stdout and stderr apart', async () => {
    const s = await openSession(w.connection);
    const { workDir } = await unary(w.connection, 'openSession', {
      sessionId: s,
      labels: {},
      dataPath: '',
      limits: undefined,
      env: {},
      startShell: false,
    });
    const blob = randomBytes(24 * 1024 * 1024);
    writeFileSync(join(workDir, 'blob.bin'), blob);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let finished: ExecEvent | undefined;
    for await (const res of w.connection.stream(
      'exec',
      execRequest(s, 'cat blob.bin; echo done >&2'),
    ) as AsyncIterable<ExecResponse>) {
      const e = res.event!;
      if (e.event?.$case === 'output')
        (e.event.value.stream === OutputStream.OUTPUT_STREAM_STDOUT ? out : err).push(
          Buffer.from(e.event.value.data),
        );
      else if (e.event?.$case === 'finished') finished = e;
    }
    const got = Buffer.concat(out);
    expect(got.length).toBe(blob.length);
    expect(createHash('sha256').update(got).digest('hex')).toBe(
      createHash('sha256').update(blob).digest('hex'),
    );
    expect(Buffer.concat(err).toString()).toBe('done\n');
    expect(finished?.event).toMatchObject({ value: { exitCode: 0, outputBytes: blob.length + 5 } });
  });

  it('re-attaches a stream cut mid-exec from a seq with no gap and no duplicate, while it still runs', async () => {
    const s = await openSession(w.connection);
    const execId = `exe-reattach-${Date.now()}`;
    const n = 3000;
    const stream = w.connection.stream(
      'exec',
      execRequest(
        s,
        `for i in $(seq 1 ${n}); do echo $i; if [ $((i % 100)) = 0 ]; then sleep 0.05; fi; done`,
        { execId },
      ),
    );
    const first: ExecEvent[] = [];
    await new Promise<void>((resolve) => {
      stream.on('data', (res: ExecResponse) => {
        first.push(res.event!);
        if (first.length === 5) {
          stream.cancel(); // the client drops the stream mid-exec
          resolve();
        }
      });
      stream.on('error', () => {}); // CANCELLED, by us
    });
    await new Promise((r) => setTimeout(r, 200));
    const kept = first.slice(0, 5);
    const describe = await unary(w.connection, 'describe', {});
    expect(describe.running.map((e) => e.execId)).toContain(execId); // still running when re-attached
    const rest = await collect(w.connection.stream('attach', { execId, fromSeq: kept.length }));
    const all = [...kept, ...rest.events];
    expectContiguous(all);
    expectNumberedLines(summarize(all).stdout, n);
    // Replay from the start of a finished exec gives the same events.
    const again = await collect(w.connection.stream('attach', { execId, fromSeq: 0 }));
    expect(again.events.map((e) => e.seq)).toEqual(all.map((e) => e.seq));
    expect(again.stdout).toBe(summarize(all).stdout);
  });

  it('a retried Exec with the same exec_id attaches instead of running twice', async () => {
    const s = await openSession(w.connection);
    const execId = `exe-idem-${Date.now()}`;
    const req = execRequest(s, 'echo run >> runs.txt; wc -l < runs.txt', { execId });
    const a = await collect(w.connection.stream('exec', req));
    const b = await collect(w.connection.stream('exec', req));
    expect(a.stdout).toBe('1\n');
    expect(b.stdout).toBe('1\n');
    expect((await collect(w.connection.stream('exec', execRequest(s, 'wc -l < runs.txt')))).stdout).toBe(
      '1\n',
    );
  });

  it('Attach to an unknown exec is NOT_FOUND, past the end of a finished one OUT_OF_RANGE', async () => {
    const err = await collect(w.connection.stream('attach', { execId: 'exe-nope', fromSeq: 0 })).catch(
      (e: { code: number }) => e,
    );
    expect((err as { code: number }).code).toBe(5);
    const s = await openSession(w.connection);
    const execId = `exe-end-${Date.now()}`;
    const r = await collect(w.connection.stream('exec', execRequest(s, 'echo x', { execId })));
    const n = r.events.length;
    const none = await collect(w.connection.stream('attach', { execId, fromSeq: n })).catch((e: Error) => e);
    expect(none).toBeInstanceOf(Error); // no events at all: not even a finished one
    const past = await collect(w.connection.stream('attach', { execId, fromSeq: n + 5 })).catch(
      (e: { code: number }) => e,
    );
    expect((past as { code: number }).code).toBe(11);
  });

  it("keeps the head of the output up to the exec's cap and says it dropped the rest", async () => {
    const s = await openSession(w.connection);
    const limits = {
      wallMs: 0,
      memoryBytes: 0,
      maxProcesses: 0,
      cpuset: '',
      maxOutputBytes: 1000,
      maxDiskBytes: 0,
    };
    const r = await collect(w.connection.stream('exec', execRequest(s, 'seq 1 2000; echo done', { limits })));
    expect(r.stdout.length).toBe(1000);
    expect(r.stdout.startsWith('1\n2\n3\n')).toBe(true);
    expect(r.finished).toMatchObject({ exitCode: 0, outputTruncated: true });
    expect(r.finished.outputBytes).toBeGreaterThan(8000);
  });

  it('a slow client does not slow the command or grow the daemon: output goes to disk at pipe speed', async () => {
    const s = await openSession(w.connection);
    const execId = `exe-slow-${Date.now()}`;
    const daemonPid = w.process.pid!;
    writeFileSync(`/proc/${daemonPid}/clear_refs`, '5'); // VmHWM := current RSS
    const rssBefore = memoryKb(daemonPid, 'VmRSS');
    // 128 MB, read by a client that stops reading after the first events.
    const stream = w.connection.stream('exec', execRequest(s, 'head -c 134217728 /dev/zero', { execId }));
    stream.on('error', () => {}); // CANCELLED below, by us
    stream.pause();
    await eventually(
      async () => (await unary(w.connection, 'describe', {})).running.length === 0,
      20_000,
      'the exec to finish with a paused client',
    );
    // The 128 MB went to the log, not into the daemon's memory: its peak grew by far less than
    // the output (what growth there is, ~45 MB here, is garbage of the pipe reads awaiting GC, and
    // it is the same for 64 MB of output).
    expect(memoryKb(daemonPid, 'VmHWM') - rssBefore).toBeLessThan(64 * 1024);
    stream.cancel();
    const tail = await collect(w.connection.stream('attach', { execId, fromSeq: 0 }));
    expect(tail.finished).toMatchObject({ exitCode: 0, outputBytes: 134_217_728 });
    expect(tail.stdout.length).toBe(134_217_728);
  });
});
