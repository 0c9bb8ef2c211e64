import {
  Server,
  ServerCredentials,
  credentials,
  status,
  type ServerUnaryCall,
  type sendUnaryData,
  type ServiceError,
} from '@grpc/grpc-js';
import pRetry from 'p-retry';
import {
  CHANNEL_OPTIONS,
  CoordinatorServiceClient,
  CoordinatorServiceService,
  bearerMetadata,
  withAuth,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type RegisterRequest,
  type RegisterResponse,
} from '@aira/protocol';
import { errorMessage, silentLogger, type Logger } from '@aira/core';
import type { WorkerPool } from './pool.js';

export interface RegistrationServer {
  /** host:port actually bound. */
  address: string;
  close(): Promise<void>;
}

/**
 * Serves CoordinatorService so workers can phone home (Slurm, Kubernetes): Register makes the
 * coordinator dial the announced address back with the shared token and add the worker to the
 * pool; Heartbeat tells a worker whether the coordinator still knows it.
 */
export async function serveRegistration(options: {
  listen: string;
  token: string;
  pool: WorkerPool;
  heartbeatMs: number;
  logger?: Logger;
}): Promise<RegistrationServer> {
  const logger = options.logger ?? silentLogger();
  const server = new Server(CHANNEL_OPTIONS);
  const impl = {
    register(call: ServerUnaryCall<RegisterRequest, RegisterResponse>, cb: sendUnaryData<RegisterResponse>) {
      const { address, workerId } = call.request;
      if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(address)) {
        cb(
          { code: status.INVALID_ARGUMENT, details: `address "${address}" is not host:port` } as ServiceError,
          null,
        );
        return;
      }
      options.pool
        .add(address, 'registered')
        .then((w) => {
          logger.info({ worker: w.id, announced: workerId, address }, 'worker registered');
          cb(null, { heartbeatIntervalS: Math.max(1, Math.round(options.heartbeatMs / 1000)) });
        })
        .catch((err: unknown) => {
          cb(
            {
              code: status.UNAVAILABLE,
              details: `the coordinator could not reach ${address}: ${errorMessage(err)}`,
            } as ServiceError,
            null,
          );
        });
    },
    heartbeat(
      call: ServerUnaryCall<HeartbeatRequest, HeartbeatResponse>,
      cb: sendUnaryData<HeartbeatResponse>,
    ) {
      const w = options.pool.get(call.request.workerId);
      cb(null, { known: Boolean(w && w.state !== 'closed') });
    },
  };
  server.addService(CoordinatorServiceService, withAuth(CoordinatorServiceService, impl, options.token));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(options.listen, ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  const host = options.listen.slice(0, options.listen.lastIndexOf(':'));
  return {
    address: `${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2_000).unref();
      }),
  };
}

export interface RegistrationOptions {
  /** host:port of the coordinator's registration service. */
  coordinator: string;
  token: string;
  /** The worker's own id (Describe's worker_id). */
  workerId: string;
  /** host:port the coordinator should dial back. */
  address: string;
  labels?: Record<string, string>;
  logger?: Logger;
  /** First retry delay after a failed Register (grows to 30 s). */
  retryMs?: number;
}

export interface Registration {
  /** Resolves after the first successful Register. */
  registered: Promise<void>;
  stop(): void;
}

/**
 * The worker side of registration (`aira worker --coordinator HOST:PORT`): registers, then
 * heartbeats at the interval the coordinator asks for, and registers again whenever the
 * coordinator says it does not know the worker (e.g. it restarted) or cannot be reached.
 */
export function registerWithCoordinator(options: RegistrationOptions): Registration {
  const logger = options.logger ?? silentLogger();
  const client = new CoordinatorServiceClient(
    options.coordinator,
    credentials.createInsecure(),
    CHANNEL_OPTIONS,
  );
  const md = bearerMetadata(options.token);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let onFirst: () => void = () => undefined;
  const registered = new Promise<void>((resolve) => (onFirst = resolve));
  const call = <Req, Res>(
    fn: (
      req: Req,
      md: ReturnType<typeof bearerMetadata>,
      o: { deadline: number },
      cb: (e: ServiceError | null, r?: Res) => void,
    ) => unknown,
    req: Req,
    deadlineMs: number,
  ) =>
    new Promise<Res>((resolve, reject) =>
      fn.call(client, req, md, { deadline: Date.now() + deadlineMs }, (e, r) =>
        e ? reject(e) : resolve(r as Res),
      ),
    );
  const later = (fn: () => void, ms: number) => {
    if (stopped) return;
    timer = setTimeout(fn, ms);
  };
  const stop = new AbortController();
  const firstRetryMs = options.retryMs ?? 1_000;
  const register = (): void => {
    // Until it answers: the first retry after `firstRetryMs`, doubling up to 30 s.
    pRetry(
      () =>
        call<RegisterRequest, RegisterResponse>(
          client.register.bind(client) as never,
          { workerId: options.workerId, address: options.address, labels: options.labels ?? {} },
          60_000,
        ),
      {
        retries: Infinity,
        minTimeout: firstRetryMs,
        factor: 2,
        maxTimeout: 30_000,
        signal: stop.signal,
        onFailedAttempt: ({ error }) =>
          logger.warn(
            { coordinator: options.coordinator, err: (error as ServiceError).details ?? error.message },
            'registration failed; retrying',
          ),
      },
    )
      .then((res) => {
        logger.info({ coordinator: options.coordinator }, 'registered with the coordinator');
        onFirst();
        const interval = Math.max(1, res.heartbeatIntervalS) * 1000;
        const beat = (): void => {
          call<HeartbeatRequest, HeartbeatResponse>(
            client.heartbeat.bind(client) as never,
            { workerId: options.workerId },
            interval,
          )
            .then((hb) => (hb.known ? later(beat, interval) : later(register, 0)))
            .catch(() => later(register, firstRetryMs));
        };
        later(beat, interval);
      })
      .catch(() => undefined); // stopped
  };
  register();
  return {
    registered,
    stop() {
      stopped = true;
      stop.abort();
      clearTimeout(timer);
      client.close();
    },
  };
}
