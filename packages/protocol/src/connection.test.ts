import { Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_OPTIONS } from './channel.js';
import { WorkerConnection } from './connection.js';
import { WorkerServiceService } from './gen/index.js';

// A real gRPC server on 127.0.0.1:0 whose Cancel fails with the codes a test queues, then succeeds.
let server: Server;
let address: string;
const failures: number[] = [];
let calls = 0;

beforeAll(async () => {
  server = new Server(CHANNEL_OPTIONS);
  server.addService(WorkerServiceService, {
    cancel: (_call: unknown, cb: (err: Partial<ServiceError> | null, res?: unknown) => void) => {
      calls++;
      const code = failures.shift();
      if (code === undefined) cb(null, { cancelled: true });
      else cb({ code, details: `queued ${status[code]}` });
    },
  } as never);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  address = `127.0.0.1:${port}`;
});
afterAll(() => server.forceShutdown());

describe('WorkerConnection.unary', () => {
  it('retries what a retry can cure, up to its attempts, and nothing else', async () => {
    const conn = new WorkerConnection({ address, token: 't', maxAttempts: 3 });
    try {
      failures.push(status.UNAVAILABLE, status.UNAVAILABLE);
      calls = 0;
      await expect(conn.unary('cancel', { execId: 'e', reason: 'r' })).resolves.toMatchObject({
        cancelled: true,
      });
      expect(calls).toBe(3);

      failures.push(status.UNAVAILABLE, status.UNAVAILABLE, status.UNAVAILABLE);
      calls = 0;
      await expect(conn.unary('cancel', { execId: 'e', reason: 'r' })).rejects.toMatchObject({
        code: status.UNAVAILABLE,
      });
      expect(calls).toBe(3);

      failures.push(status.INVALID_ARGUMENT);
      calls = 0;
      await expect(conn.unary('cancel', { execId: 'e', reason: 'r' })).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: 'queued INVALID_ARGUMENT',
      });
      expect(calls).toBe(1);

      failures.push(status.UNAVAILABLE);
      calls = 0;
      await expect(
        conn.unary('cancel', { execId: 'e', reason: 'r' }, { idempotent: false }),
      ).rejects.toMatchObject({ code: status.UNAVAILABLE });
      expect(calls).toBe(1);
    } finally {
      failures.length = 0;
      conn.close();
    }
  });
});
