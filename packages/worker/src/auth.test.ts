import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProto } from 'grpc-health-check';
import { WorkerConnection, WorkerServiceClient } from '@aira/protocol';
import {
  collect,
  execRequest,
  openSession,
  run,
  startTestWorker,
  type TestWorker,
  unary,
} from './test-support/worker.js';

let w: TestWorker;
let bad: WorkerConnection;
beforeAll(async () => {
  w = await startTestWorker();
  bad = new WorkerConnection({ address: w.address, token: `${w.token}x`, maxAttempts: 1 });
});
afterAll(async () => {
  bad?.close();
  await w?.stop();
});

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: ServiceError) => e.code,
  );
const UNAUTHENTICATED = 16;

type HealthClient = Client & {
  check(
    req: { service: string },
    md: Metadata,
    cb: (err: ServiceError | null, res: { status: string }) => void,
  ): void;
};
function healthClient(): HealthClient {
  const def = loadSync(healthProto, { keepCase: true, enums: String, defaults: true });
  const pkg = loadPackageDefinition(def) as unknown as {
    grpc: { health: { v1: { Health: new (a: string, c: unknown) => HealthClient } } };
  };
  return new pkg.grpc.health.v1.Health(w.address, credentials.createInsecure());
}

describe('the token', () => {
  it('is written 0600 when the worker makes it', async () => {
    const { statSync } = await import('node:fs');
    expect(statSync(w.tokenFile).mode & 0o777).toBe(0o600);
  });

  it('is required by every RPC, and a refused Exec runs nothing', async () => {
    const s = await openSession(w.connection);
    const proof = join(w.workdir, 'sessions', s, 'work', 'proof');
    const refused = await code(collect(bad.stream('exec', execRequest(s, 'touch proof'))));
    expect(refused).toBe(UNAUTHENTICATED);
    // A client with no token at all.
    const bare = new WorkerServiceClient(w.address, credentials.createInsecure());
    const noToken = await code(
      new Promise((resolve, reject) => {
        const st = bare.exec(execRequest(s, 'touch proof'));
        st.on('data', () => {});
        st.on('error', reject);
        st.on('end', resolve);
      }),
    );
    bare.close();
    expect(noToken).toBe(UNAUTHENTICATED);
    expect(existsSync(proof)).toBe(false);
    expect((await run(w.connection, s, 'ls')).stdout).toBe('');
    // The same command with the token does run: the check above could have failed.
    await run(w.connection, s, 'touch proof');
    expect(existsSync(proof)).toBe(true);

    const refusedUnary = await Promise.all([
      code(unary(bad, 'describe', {})),
      code(
        unary(bad, 'openSession', {
          sessionId: '',
          labels: {},
          dataPath: '',
          limits: undefined,
          env: {},
          startShell: false,
        }),
      ),
      code(unary(bad, 'closeSession', { sessionId: s, keepWorkspace: false })),
      code(unary(bad, 'listSessions', {})),
      code(unary(bad, 'cancel', { execId: 'x', reason: '' })),
      code(collect(bad.stream('attach', { execId: 'x', fromSeq: 0 }))),
    ]);
    expect(refusedUnary).toEqual(Array(6).fill(UNAUTHENTICATED));
    expect((await unary(w.connection, 'listSessions', {})).sessions.map((x) => x.sessionId)).toContain(s);
  });

  it('guards grpc.health.v1 too, which reports SERVING to a client with the token', async () => {
    const health = healthClient();
    const check = (md: Metadata, service = '') =>
      new Promise<string>((resolve, reject) =>
        health.check({ service }, md, (err, res) => (err ? reject(err) : resolve(res.status))),
      );
    const good = new Metadata();
    good.set('authorization', `Bearer ${w.token}`);
    expect(await check(good)).toBe('SERVING');
    expect(await check(good, 'aira.worker.v1.WorkerService')).toBe('SERVING');
    expect(await code(check(new Metadata()))).toBe(UNAUTHENTICATED);
    health.close();
  });
});
