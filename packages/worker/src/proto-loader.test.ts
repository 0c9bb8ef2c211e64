import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, loadPackageDefinition, Metadata, type Client, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_ROOT } from '@aira/protocol';
import { startTestWorker, type TestWorker } from './test-support/worker.js';

// A client as another language would write it: the .proto files loaded at run time, no generated
// TypeScript, plain objects on the wire.
type Dyn = Client & {
  OpenSession(req: object, md: Metadata, cb: (e: ServiceError | null, r: { session_id: string; work_dir: string }) => void): void;
  Exec(req: object, md: Metadata): ClientReadableStream<{ event: DynEvent }>;
  Describe(req: object, md: Metadata, cb: (e: ServiceError | null, r: { worker_id: string; python: { version: string } }) => void): void;
};
interface DynEvent {
  seq: string;
  event: 'started' | 'output' | 'finished';
  started?: { exec_id: string };
  output?: { stream: string; data: Buffer };
  finished?: { exit_code: number; duration_ms: string };
}

let w: TestWorker;
let client: Dyn;
const md = new Metadata();
beforeAll(async () => {
  w = await startTestWorker();
  const def = loadSync(join(PROTO_ROOT, 'aira/worker/v1/worker.proto'), {
    includeDirs: [PROTO_ROOT],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = loadPackageDefinition(def) as unknown as { aira: { worker: { v1: { WorkerService: new (a: string, c: unknown) => Dyn } } } };
  client = new pkg.aira.worker.v1.WorkerService(w.address, credentials.createInsecure());
  md.set('authorization', `Bearer ${w.token}`);
});
afterAll(async () => {
  client?.close();
  await w?.stop();
});

describe('a @grpc/proto-loader client', () => {
  it('describes the worker, opens a session and streams a Python exec', async () => {
    const info = await new Promise<{ worker_id: string; python: { version: string } }>((res, rej) => client.Describe({}, md, (e, r) => (e ? rej(e) : res(r))));
    expect(info.worker_id).toBe(w.workerId);
    expect(info.python.version).toMatch(/^3\.\d+/);
    const session = await new Promise<{ session_id: string; work_dir: string }>((res, rej) =>
      client.OpenSession({ labels: { client: 'proto-loader' } }, md, (e, r) => (e ? rej(e) : res(r))),
    );
    expect(session.work_dir).toContain(session.session_id);
    const events: DynEvent[] = [];
    await new Promise<void>((resolve, reject) => {
      const st = client.Exec({ session_id: session.session_id, kind: 'EXEC_KIND_PYTHON', code: 'import sys\nprint("out")\nprint("err", file=sys.stderr)\n6 * 7' }, md);
      st.on('data', (r) => events.push(r.event));
      st.on('error', reject);
      st.on('end', resolve);
    });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => String(i)));
    expect(events[0]!.event).toBe('started');
    const out = events.filter((e) => e.output?.stream === 'OUTPUT_STREAM_STDOUT').map((e) => e.output!.data.toString()).join('');
    const err = events.filter((e) => e.output?.stream === 'OUTPUT_STREAM_STDERR').map((e) => e.output!.data.toString()).join('');
    expect(out).toBe('out\n42\n');
    expect(err).toBe('err\n');
    expect(events.at(-1)).toMatchObject({ event: 'finished', finished: { exit_code: 0 } });
  });
});
