import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  type Client,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_ROOT } from '@aira/protocol';
import { startTestWorker, type TestWorker } from './test-support/worker.js';

// A client as another language would write it: the .proto files loaded at run time, no generated
// TypeScript, plain objects on the wire; all it knows of the worker is what proto/ says.
type Callback<T> = (e: ServiceError | null, r: T) => void;
type Dyn = Client & {
  OpenSession(req: object, md: Metadata, cb: Callback<{ session_id: string; work_dir: string }>): void;
  Exec(req: object, md: Metadata): ClientReadableStream<{ event: DynEvent }>;
  Attach(req: object, md: Metadata): ClientReadableStream<{ event: DynEvent }>;
  Cancel(req: object, md: Metadata, cb: Callback<{ cancelled: boolean }>): void;
  Describe(
    req: object,
    md: Metadata,
    cb: Callback<{
      worker_id: string;
      python: { version: string };
      running: { exec_id: string }[];
      features: string[];
    }>,
  ): void;
};
type Health = Client & { Check(req: object, md: Metadata, cb: Callback<{ status: string }>): void };
interface DynFinished {
  exit_code: number;
  signal: string;
  reason: string;
  duration_ms: string;
  output_bytes: string;
  state_lost: boolean;
}
interface DynEvent {
  seq: string;
  event: 'started' | 'output' | 'finished';
  started?: { exec_id: string };
  output?: { stream: string; data: Buffer };
  finished?: DynFinished;
}

const LOAD = {
  includeDirs: [PROTO_ROOT],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};
let w: TestWorker;
let client: Dyn;
let health: Health;
const md = new Metadata();
beforeAll(async () => {
  w = await startTestWorker({ args: ['--cancel-grace', '500ms'] });
  const pkg = loadPackageDefinition(
    loadSync(join(PROTO_ROOT, 'aira/worker/v1/worker.proto'), LOAD),
  ) as unknown as {
    aira: { worker: { v1: { WorkerService: new (a: string, c: unknown) => Dyn } } };
  };
  client = new pkg.aira.worker.v1.WorkerService(w.address, credentials.createInsecure());
  const hpkg = loadPackageDefinition(
    loadSync(join(PROTO_ROOT, 'grpc/health/v1/health.proto'), LOAD),
  ) as unknown as {
    grpc: { health: { v1: { Health: new (a: string, c: unknown) => Health } } };
  };
  health = new hpkg.grpc.health.v1.Health(w.address, credentials.createInsecure());
  // The scheme matches in any case, as in HTTP.
  md.set('authorization', `bearer ${w.token}`);
});
afterAll(async () => {
  client?.close();
  health?.close();
  await w?.stop();
});

const call = <T>(fn: (cb: Callback<T>) => void) =>
  new Promise<T>((res, rej) => fn((e, r) => (e ? rej(e) : res(r))));

interface Read {
  events: DynEvent[];
  stdout: string;
  stderr: string;
  finished?: DynFinished;
}

function read(st: ClientReadableStream<{ event: DynEvent }>, onEvent?: (e: DynEvent) => void): Promise<Read> {
  const events: DynEvent[] = [];
  return new Promise((resolve, reject) => {
    st.on('data', (r: { event: DynEvent }) => {
      events.push(r.event);
      onEvent?.(r.event);
    });
    st.on('error', reject);
    st.on('end', () => {
      const text = (stream: string) =>
        events
          .filter((e) => e.output?.stream === stream)
          .map((e) => e.output!.data.toString())
          .join('');
      resolve({
        events,
        stdout: text('OUTPUT_STREAM_STDOUT'),
        stderr: text('OUTPUT_STREAM_STDERR'),
        finished: events.find((e) => e.finished)?.finished,
      });
    });
  });
}

async function session(): Promise<string> {
  return (
    await call<{ session_id: string }>((cb) =>
      client.OpenSession({ labels: { client: 'proto-loader' } }, md, cb),
    )
  ).session_id;
}

describe('a @grpc/proto-loader client', () => {
  it('describes the worker, opens a session and streams a Python exec', async () => {
    const info = await call<{ worker_id: string; python: { version: string } }>((cb) =>
      client.Describe({}, md, cb),
    );
    expect(info.worker_id).toBe(w.workerId);
    expect(info.python.version).toMatch(/^3\.\d+/);
    const s = await call<{ session_id: string; work_dir: string }>((cb) =>
      client.OpenSession({ labels: { client: 'proto-loader' } }, md, cb),
    );
    expect(s.work_dir).toContain(s.session_id);
    const r = await read(
      client.Exec(
        {
          session_id: s.session_id,
          kind: 'EXEC_KIND_PYTHON',
          code: 'import sys\nprint("out")\nprint("err", file=sys.stderr)\n6 * 7',
        },
        md,
      ),
    );
    expect(r.events.map((e) => e.seq)).toEqual(r.events.map((_, i) => String(i)));
    expect(r.events[0]!.event).toBe('started');
    expect(r.stdout).toBe('out\n42\n');
    expect(r.stderr).toBe('err\n');
    expect(r.events.at(-1)).toMatchObject({
      event: 'finished',
      finished: { exit_code: 0, signal: '', reason: '', output_bytes: '11' },
    });
  });

  it('gets Python semantics as proto/ states them: sys.exit codes, exceptions, state kept', async () => {
    const s = await session();
    const py = (code: string) => read(client.Exec({ session_id: s, kind: 'EXEC_KIND_PYTHON', code }, md));
    expect((await py('x = 5\nimport sys\nsys.exit(3)')).finished).toMatchObject({
      exit_code: 3,
      state_lost: false,
    });
    expect(await py('sys.exit("bye")')).toMatchObject({ stderr: 'bye\n', finished: { exit_code: 1 } });
    const failed = await py('def f():\n    return 1 / 0\nf()');
    expect(failed.finished).toMatchObject({ exit_code: 1 });
    expect(failed.stderr).toMatch(/line 2, in f\n[\s\S]*ZeroDivisionError/);
    expect((await py('x')).stdout).toBe('5\n');
  });

  it('sees cancel and timeout as a signal, never a success, also in the middle of a command list', async () => {
    const s = await session();
    let execId = '';
    const running = read(
      client.Exec({ session_id: s, kind: 'EXEC_KIND_BASH', code: 'echo a; sleep 30; echo b' }, md),
      (e) => {
        if (e.started) execId = e.started.exec_id;
      },
    );
    // Wait for the output so the cancel lands on `sleep 30`, mid list.
    for (let i = 0; i < 600 && !(execId && (await describeRunning()).includes(execId)); i++)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    expect(
      (await call<{ cancelled: boolean }>((cb) => client.Cancel({ exec_id: execId, reason: 'test' }, md, cb)))
        .cancelled,
    ).toBe(true);
    const c = await running;
    expect(c.stdout).toBe('a\n');
    expect(c.finished).toMatchObject({
      exit_code: -1,
      signal: 'SIGTERM',
      reason: 'cancelled',
      state_lost: false,
    });
    const t = await read(
      client.Exec(
        {
          session_id: s,
          kind: 'EXEC_KIND_BASH',
          code: 'echo a; sleep 30; echo b',
          limits: { wall_ms: '400' },
        },
        md,
      ),
    );
    expect(t.finished).toMatchObject({ exit_code: -1, signal: 'SIGTERM', reason: 'timeout' });
  });

  it('gets INVALID_ARGUMENT naming the field for a request the worker cannot run', async () => {
    const s = await session();
    const refused = (req: object) =>
      read(client.Exec(req, md)).then(
        () => ({ code: 0, details: 'accepted' }),
        (e: ServiceError) => ({ code: e.code, details: e.details }),
      );
    expect(await refused({ session_id: s, kind: 'EXEC_KIND_UNSPECIFIED', code: 'true' })).toMatchObject({
      code: 3,
      details: expect.stringMatching(/^kind: /),
    });
    expect(
      await refused({
        session_id: s,
        kind: 'EXEC_KIND_BASH',
        code: 'true',
        limits: { wall_ms: String(2 ** 40) },
      }),
    ).toMatchObject({
      code: 3,
      details: expect.stringMatching(/^limits\.wall_ms: /),
    });
    // Past 2^53 the request does not even decode: still INVALID_ARGUMENT, not a hang or INTERNAL.
    expect(
      await refused({
        session_id: s,
        kind: 'EXEC_KIND_BASH',
        code: 'true',
        limits: { wall_ms: '18446744073709551615' },
      }),
    ).toMatchObject({
      code: 3,
      details: expect.stringMatching(/Exec: the request does not decode/),
    });
    expect(await refused({ kind: 'EXEC_KIND_BASH', code: 'true' })).toMatchObject({
      code: 3,
      details: expect.stringMatching(/^session_id: required/),
    });
  });

  it('sends small files with an Exec (ExecRequest.files), written before it runs, with the path rules of PutFiles', async () => {
    const info = await call<{ features: string[] }>((cb) => client.Describe({}, md, cb));
    expect(info.features).toContain('exec.files');
    const s = await session();
    const files = [
      { path: 'work/job.json', data: Buffer.from('{"seed": 7}\n') },
      { path: 'work/deep/run.sh', data: Buffer.from('echo ran\n'), mode: 0o755 },
    ];
    const r = await read(
      client.Exec(
        {
          session_id: s,
          kind: 'EXEC_KIND_BASH',
          code: 'cat job.json && ./deep/run.sh && stat -c %a deep/run.sh',
          files,
        },
        md,
      ),
    );
    expect(r.stdout).toBe('{"seed": 7}\nran\n755\n');
    const refused = (req: object) =>
      read(client.Exec(req, md)).then(
        (x) => ({ code: 0, details: x.stdout }),
        (e: ServiceError) => ({ code: e.code, details: e.details }),
      );
    const exec = (more: object) => ({ session_id: s, kind: 'EXEC_KIND_BASH', code: 'echo ran', ...more });
    expect(await refused(exec({ files: [{ path: '../escape', data: Buffer.from('x') }] }))).toMatchObject({
      code: 3,
      details: expect.stringContaining('escape'),
    });
    expect(
      await refused(exec({ files: [{ path: 'work/big', data: Buffer.alloc(65 * 1024) }] })),
    ).toMatchObject({
      code: 3,
      details: expect.stringMatching(/^files\[0\] \(work\/big\): 66560 bytes, at most 65536/),
    });
    // A retry under the same exec_id attaches: its files are not written again.
    const first = await read(
      client.Exec(exec({ exec_id: 'once', files: [{ path: 'work/f', data: Buffer.from('1') }] }), md),
    );
    const again = await read(
      client.Exec(exec({ exec_id: 'once', files: [{ path: 'work/f', data: Buffer.from('2') }] }), md),
    );
    expect(again.stdout).toBe(first.stdout);
    expect((await read(client.Exec(exec({ code: 'cat f' }), md))).stdout).toBe('1');
  });

  it('attaches from any seq, at and after the end, and dropping a stream does not stop the exec', async () => {
    const s = await session();
    // Drop the Exec stream as soon as the exec starts: it runs on.
    let execId = '';
    const st = client.Exec({ session_id: s, kind: 'EXEC_KIND_BASH', code: 'sleep 0.5; echo done' }, md);
    await new Promise<void>((resolve) => {
      st.on('data', (r: { event: DynEvent }) => {
        if (r.event.started) {
          execId = r.event.started.exec_id;
          st.cancel();
          resolve();
        }
      });
      st.on('error', () => {});
    });
    const all = await read(client.Attach({ exec_id: execId, from_seq: '0' }, md));
    expect(all).toMatchObject({ stdout: 'done\n', finished: { exit_code: 0, reason: '' } });
    const n = all.events.length;
    const tail = await read(client.Attach({ exec_id: execId, from_seq: String(n - 1) }, md));
    expect(tail.events.map((e) => e.event)).toEqual(['finished']);
    expect((await read(client.Attach({ exec_id: execId, from_seq: String(n) }, md))).events).toEqual([]);
    await expect(read(client.Attach({ exec_id: execId, from_seq: String(n + 1) }, md))).rejects.toMatchObject(
      { code: 11 },
    );
    await expect(read(client.Attach({ exec_id: 'exe-nobody', from_seq: '0' }, md))).rejects.toMatchObject({
      code: 5,
    });
  });

  it('checks health with the token, from proto/grpc/health/v1/health.proto', async () => {
    expect(
      await call<{ status: string }>((cb) =>
        health.Check({ service: 'aira.worker.v1.WorkerService' }, md, cb),
      ),
    ).toEqual({ status: 'SERVING' });
    await expect(call((cb) => health.Check({ service: '' }, new Metadata(), cb))).rejects.toMatchObject({
      code: 16,
    });
  });
});

async function describeRunning(): Promise<string[]> {
  const info = await call<{ running: { exec_id: string }[] }>((cb) => client.Describe({}, md, cb));
  return info.running.map((r) => r.exec_id);
}
