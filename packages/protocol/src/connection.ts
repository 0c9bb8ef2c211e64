import {
  credentials,
  status,
  type CallOptions,
  type ClientReadableStream,
  type Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { UserError } from '@aira/core';
import pRetry from 'p-retry';
import { bearerMetadata } from './auth.js';
import { CHANNEL_OPTIONS, DEFAULT_UNARY_DEADLINE_MS } from './channel.js';
import { WorkerServiceClient } from './gen/aira/worker/v1/worker.js';
import type { DescribeRequest, DescribeResponse } from './gen/aira/worker/v1/telemetry.js';
import type {
  OpenSessionRequest,
  OpenSessionResponse,
  CloseSessionRequest,
  CloseSessionResponse,
  ListSessionsRequest,
  ListSessionsResponse,
} from './gen/aira/worker/v1/session.js';
import { ExecRequest, type CancelRequest, type CancelResponse } from './gen/aira/worker/v1/exec.js';
import type { HasBlobsRequest, HasBlobsResponse } from './gen/aira/worker/v1/files.js';

export interface WorkerConnectionOptions {
  /** host:port of the worker daemon. */
  address: string;
  token: string;
  /** How long connect() waits for the channel before giving up. */
  connectTimeoutMs?: number;
  /** Deadline of unary calls unless a call sets its own. */
  unaryDeadlineMs?: number;
  /** Attempts of an idempotent unary call on UNAVAILABLE (counting the first). */
  maxAttempts?: number;
}

const RETRYABLE = new Set([status.UNAVAILABLE, status.RESOURCE_EXHAUSTED, status.ABORTED]);

/**
 * One connection to one worker: owns the channel options, the token, deadlines and retries
 * (Temporal's Connection, simplified). Streams are not retried here: callers re-open them with
 * Attach from their last sequence number.
 */
export class WorkerConnection {
  readonly client: WorkerServiceClient;
  readonly metadata: Metadata;
  private readonly unaryDeadlineMs: number;
  private readonly maxAttempts: number;

  constructor(readonly options: WorkerConnectionOptions) {
    this.client = new WorkerServiceClient(options.address, credentials.createInsecure(), CHANNEL_OPTIONS);
    this.metadata = bearerMetadata(options.token);
    this.unaryDeadlineMs = options.unaryDeadlineMs ?? DEFAULT_UNARY_DEADLINE_MS;
    this.maxAttempts = options.maxAttempts ?? 4;
  }

  /** Connects and probes with Describe; a wrong token or a dead address is a one-line UserError. */
  static async connect(
    options: WorkerConnectionOptions,
  ): Promise<{ connection: WorkerConnection; info: DescribeResponse }> {
    const connection = new WorkerConnection(options);
    const timeout = options.connectTimeoutMs ?? 10_000;
    try {
      await new Promise<void>((resolve, reject) =>
        connection.client.waitForReady(Date.now() + timeout, (err) => (err ? reject(err) : resolve())),
      );
    } catch {
      connection.close();
      throw new UserError(`worker ${options.address} is unreachable (no connection within ${timeout} ms)`);
    }
    try {
      const info = await connection.unary('describe', {});
      return { connection, info };
    } catch (err) {
      connection.close();
      throw describeRpcError(err, options.address);
    }
  }

  /** Calls a unary method with a deadline, retrying retryable failures with backoff. */
  async unary<M extends UnaryMethod>(
    method: M,
    request: UnaryRequest<M>,
    opts: { deadlineMs?: number; idempotent?: boolean } = {},
  ): Promise<UnaryResponse<M>> {
    const attempts = opts.idempotent === false ? 1 : this.maxAttempts;
    const call = () =>
      new Promise<UnaryResponse<M>>((resolve, reject) => {
        const callOptions: CallOptions = { deadline: Date.now() + (opts.deadlineMs ?? this.unaryDeadlineMs) };
        const fn = this.client[method] as unknown as (
          req: unknown,
          md: Metadata,
          o: CallOptions,
          cb: (err: ServiceError | null, res: unknown) => void,
        ) => void;
        fn.call(this.client, request, this.metadata, callOptions, (err, res) =>
          err ? reject(err) : resolve(res as UnaryResponse<M>),
        );
      });
    // Backoff from 100 ms, growing 1.7 times (with jitter) up to 5 s; only codes a retry can cure.
    return pRetry(call, {
      retries: attempts - 1,
      minTimeout: 100,
      factor: 1.7,
      maxTimeout: 5_000,
      randomize: true,
      shouldRetry: ({ error }) => RETRYABLE.has((error as ServiceError).code),
    });
  }

  /** Opens a server stream with the connection's metadata and no deadline unless given (keepalive guards it). */
  stream<M extends StreamMethod>(
    method: M,
    request: StreamRequest<M>,
    options: CallOptions = {},
  ): ClientReadableStream<StreamResponse<M>> {
    const fn = this.client[method] as unknown as (
      req: unknown,
      md: Metadata,
      o?: CallOptions,
    ) => ClientReadableStream<unknown>;
    // An Exec built without a field added later (ExecRequest.files) is sent with its default.
    const req = method === 'exec' ? ExecRequest.fromPartial(request as ExecRequest) : request;
    return fn.call(this.client, req, this.metadata, options) as ClientReadableStream<StreamResponse<M>>;
  }

  close(): void {
    this.client.close();
  }
}

type Client = WorkerServiceClient;
/** Request and response of each unary method, spelled out: grpc-js overloads defeat `Parameters<>`. */
interface UnaryMethods {
  describe: [DescribeRequest, DescribeResponse];
  openSession: [OpenSessionRequest, OpenSessionResponse];
  closeSession: [CloseSessionRequest, CloseSessionResponse];
  listSessions: [ListSessionsRequest, ListSessionsResponse];
  cancel: [CancelRequest, CancelResponse];
  hasBlobs: [HasBlobsRequest, HasBlobsResponse];
}
type UnaryMethod = keyof UnaryMethods;
type StreamMethod = 'exec' | 'attach' | 'watchUtilization' | 'getFiles';
type UnaryRequest<M extends UnaryMethod> = UnaryMethods[M][0];
type UnaryResponse<M extends UnaryMethod> = UnaryMethods[M][1];
type StreamRequest<M extends StreamMethod> = M extends 'exec'
  ? Omit<ExecRequest, 'files'> & Partial<Pick<ExecRequest, 'files'>>
  : Parameters<Client[M]>[0];
type StreamResponse<M extends StreamMethod> =
  ReturnType<Client[M]> extends ClientReadableStream<infer R> ? R : never;

/** Turns a gRPC error into one line a person can act on. */
export function describeRpcError(err: unknown, address: string): Error {
  const e = err as ServiceError;
  if (e && typeof e.code === 'number') {
    if (e.code === status.UNAUTHENTICATED)
      return new UserError(`worker ${address} refused the token (UNAUTHENTICATED)`);
    if (e.code === status.UNAVAILABLE)
      return new UserError(`worker ${address} is unreachable (${e.details || 'UNAVAILABLE'})`);
    if (e.code === status.DEADLINE_EXCEEDED) return new UserError(`worker ${address} did not answer in time`);
    return new UserError(`worker ${address}: ${status[e.code] ?? e.code}: ${e.details}`);
  }
  return err instanceof Error ? err : new Error(String(err));
}
