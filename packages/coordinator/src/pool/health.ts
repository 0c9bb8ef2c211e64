import {
  credentials,
  makeGenericClientConstructor,
  type Client,
  type Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import type { WorkerConnection } from '@aira/protocol';

/** The name under which a worker reports its WorkerService in grpc.health.v1. */
export const WORKER_HEALTH_SERVICE = 'aira.worker.v1.WorkerService';

const HealthClient = makeGenericClientConstructor(healthService, 'Health');

type Check = (
  req: { service: string },
  md: Metadata,
  o: { deadline: number },
  cb: (err: ServiceError | null, res?: { status: string | number }) => void,
) => void;

/**
 * A liveness probe over the worker's own channel: grpc.health.v1 Check, a few bytes each way
 * (Describe carries the whole package list, too heavy to ask 256 workers every few seconds).
 * Resolves true only when the worker says SERVING (a draining worker takes no new job).
 */
export function healthProbe(conn: WorkerConnection): (deadlineMs: number) => Promise<boolean> {
  const client = new HealthClient(conn.options.address, credentials.createInsecure(), {
    channelOverride: conn.client.getChannel(),
  }) as unknown as Client & { check: Check };
  return (deadlineMs) =>
    new Promise((resolve, reject) =>
      client.check(
        { service: WORKER_HEALTH_SERVICE },
        conn.metadata,
        { deadline: Date.now() + deadlineMs },
        (err, res) => (err ? reject(err) : resolve(res?.status === 'SERVING' || res?.status === 1)),
      ),
    );
}
