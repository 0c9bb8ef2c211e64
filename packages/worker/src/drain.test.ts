import { describe, expect, it } from 'vitest';
import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProto } from 'grpc-health-check';
import {
  collect,
  eventually,
  execRequest,
  openSession,
  startTestWorker,
  unary,
} from './test-support/worker.js';

type HealthClient = Client & {
  check(
    req: { service: string },
    md: Metadata,
    cb: (err: ServiceError | null, res: { status: string }) => void,
  ): void;
};

describe('SIGTERM', () => {
  it('drains: NOT_SERVING, no new sessions, running execs finish within the grace period, exit 0', async () => {
    const w = await startTestWorker({ args: ['--grace', '20s'] });
    const s = await openSession(w.connection);
    const running = collect(w.connection.stream('exec', execRequest(s, 'sleep 1.5; echo finished')));
    await eventually(
      async () => (await unary(w.connection, 'describe', {})).running.length === 1,
      10_000,
      'the exec to start',
    );
    const exited = new Promise<number | null>((r) => w.process.once('exit', (c) => r(c)));
    w.process.kill('SIGTERM');
    await eventually(
      async () => (await unary(w.connection, 'describe', {})).state === 'DRAINING',
      5_000,
      'DRAINING',
    );
    const health = (() => {
      const pkg = loadPackageDefinition(
        loadSync(healthProto, { keepCase: true, enums: String, defaults: true }),
      ) as unknown as {
        grpc: { health: { v1: { Health: new (a: string, c: unknown) => HealthClient } } };
      };
      return new pkg.grpc.health.v1.Health(w.address, credentials.createInsecure());
    })();
    const md = new Metadata();
    md.set('authorization', `Bearer ${w.token}`);
    const status = await new Promise<string>((resolve, reject) =>
      health.check({ service: '' }, md, (e, r) => (e ? reject(e) : resolve(r.status))),
    );
    health.close();
    expect(status).toBe('NOT_SERVING');
    const refused = await unary(
      w.connection,
      'openSession',
      { sessionId: '', labels: {}, dataPath: '', limits: undefined, env: {}, startShell: false },
      { idempotent: false },
    ).then(
      () => 'opened',
      (e: ServiceError) => e.code,
    );
    expect(refused).toBe(14); // UNAVAILABLE
    const r = await running;
    expect(r).toMatchObject({ stdout: 'finished\n', finished: { exitCode: 0, reason: '' } });
    expect(await exited).toBe(0);
    w.connection.close();
  });

  it('kills what outlives the grace period, says why, and still exits 0', async () => {
    const w = await startTestWorker({ args: ['--grace', '300ms', '--cancel-grace', '300ms'] });
    const s = await openSession(w.connection);
    const running = collect(w.connection.stream('exec', execRequest(s, 'echo begun; sleep 60; echo never')));
    await eventually(
      async () => (await unary(w.connection, 'describe', {})).running.length === 1,
      10_000,
      'the exec to start',
    );
    const exited = new Promise<number | null>((r) => w.process.once('exit', (c) => r(c)));
    const t0 = Date.now();
    w.process.kill('SIGTERM');
    const r = await running;
    expect(r).toMatchObject({ stdout: 'begun\n', finished: { reason: 'worker shutdown' } });
    expect(await exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
    w.connection.close();
  });
});
