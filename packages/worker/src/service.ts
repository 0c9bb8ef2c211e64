import { isAbsolute } from 'node:path';
import { status, type ServerWritableStream, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';
import {
  ExecKind,
  WorkerServiceService,
  type InlineFile,
  type Limits,
  type OpenSessionResponse,
  type WatchUtilizationResponse,
  type WorkerServiceServer,
} from '@aira/protocol';
import { newId, type Logger } from '@aira/core';
import { streamLog } from './exec/stream-out.js';
import { checkExecRequest, checkLimits, tolerantDecoding } from './requests.js';
import type { ExecRun } from './exec/exec-run.js';
import { ID_PATTERN } from './options.js';
import type { Session } from './session/session.js';
import { isDirectory } from './session/session.js';
import { CpuMeter, readMemInfo } from './host/utilization.js';
import { describeWorker, type HostProbe } from './host/describe.js';
import type { WorkerState } from './lifecycle.js';

/**
 * The worker service's definition with one change on the wire-compatible side: Exec and Attach
 * responses may be handed over already encoded (a record of the exec log: a Buffer or its
 * pieces), and are then sent as they are instead of being decoded and encoded again.
 */
export const WORKER_SERVICE_DEFINITION: ServiceDefinition = tolerantDecoding({
  ...WorkerServiceService,
  exec: {
    ...WorkerServiceService.exec,
    responseSerialize: passthrough(WorkerServiceService.exec.responseSerialize),
  },
  attach: {
    ...WorkerServiceService.attach,
    responseSerialize: passthrough(WorkerServiceService.attach.responseSerialize),
  },
} as unknown as ServiceDefinition);

function passthrough<T>(serialize: (value: T) => Buffer): (value: T | Buffer | Buffer[]) => Buffer {
  return (value) =>
    Buffer.isBuffer(value) ? value : Array.isArray(value) ? Buffer.concat(value) : serialize(value);
}

/** What the handlers need from the daemon. */
export interface WorkerCore {
  readonly id: string;
  readonly state: WorkerState;
  readonly logger: Logger;
  readonly host: HostProbe;
  readonly sessions: ReadonlyMap<string, Session>;
  readonly execs: Map<string, ExecRun>;
  readonly recentlyClosed: ReadonlySet<string>;
  openSession(params: {
    id: string;
    labels: Record<string, string>;
    dataPath?: string;
    env: Record<string, string>;
    wallMs: number;
    maxOutputBytes: number;
    /** Memory, processes, CPU set, disk: enforced by the guard. */
    limits?: Limits;
  }): Session;
  closeSession(id: string, keepWorkspace: boolean): Promise<void>;
  /** Streams to end when the worker stops (they never end by themselves). */
  readonly watchers: Set<ServerWritableStream<unknown, unknown>>;
  /** Writes an Exec's files (ExecRequest.files); absent without a file service. */
  readonly writeInline?: (sessionId: string, files: readonly InlineFile[]) => void;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function fail(code: status, details: string): ServiceError {
  return { code, details, message: details, name: 'ServiceError', metadata: undefined as never };
}

function sessionResponse(s: Session, protection: string): OpenSessionResponse {
  return {
    sessionId: s.id,
    dataDir: s.paths.dataDir,
    workDir: s.paths.workDir,
    submissionDir: s.paths.submissionDir,
    protection,
  };
}

/** The WorkerService handlers, minus file transfer (PutFiles/GetFiles/HasBlobs come from files/). */
export type CoreHandlers = Pick<
  WorkerServiceServer,
  | 'describe'
  | 'watchUtilization'
  | 'openSession'
  | 'closeSession'
  | 'listSessions'
  | 'exec'
  | 'attach'
  | 'cancel'
>;

export function createWorkerHandlers(core: WorkerCore): CoreHandlers {
  const refuseWhenDraining = (): ServiceError | undefined =>
    core.state === 'SERVING'
      ? undefined
      : fail(status.UNAVAILABLE, `worker ${core.id} is ${core.state.toLowerCase()}: not taking new work`);

  return {
    describe: (_call, cb) => {
      describeWorker(core).then(
        (res) => cb(null, res),
        (err: Error) => cb(fail(status.INTERNAL, `describe: ${err.message}`), null),
      );
    },

    watchUtilization: (call) => {
      const intervalMs = Math.min(60_000, Math.max(100, call.request.intervalMs || 1_000));
      const cpu = new CpuMeter();
      let waiting = false;
      const tick = async () => {
        if (waiting || call.cancelled) return;
        waiting = true;
        const gpus = await core.host.gpus();
        const mem = readMemInfo();
        const sample: WatchUtilizationResponse = {
          unixMs: Date.now(),
          gpus,
          cpuPercent: cpu.sample(),
          memoryUsedBytes: mem.usedBytes,
          memoryTotalBytes: mem.totalBytes,
          runningExecs: [...core.execs.values()].filter((e) => e.state === 'running').length,
        };
        if (call.cancelled) return;
        // A slow client misses samples instead of queueing them.
        if (call.write(sample)) waiting = false;
        else call.once('drain', () => (waiting = false));
      };
      const timer = setInterval(() => void tick(), intervalMs);
      const stop = () => {
        clearInterval(timer);
        core.watchers.delete(call as ServerWritableStream<unknown, unknown>);
      };
      core.watchers.add(call as ServerWritableStream<unknown, unknown>);
      call.on('cancelled', stop);
      call.on('close', stop);
    },

    openSession: (call, cb) => {
      const req = call.request;
      if (req.sessionId) {
        if (!ID_PATTERN.test(req.sessionId))
          return cb(
            fail(
              status.INVALID_ARGUMENT,
              `session_id "${req.sessionId}": letters, digits and . _ : - only (at most 128)`,
            ),
            null,
          );
        const existing = core.sessions.get(req.sessionId);
        if (existing) return cb(null, sessionResponse(existing, core.host.sandbox.mechanism || 'none'));
        if (core.recentlyClosed.has(req.sessionId))
          return cb(fail(status.ALREADY_EXISTS, `session ${req.sessionId} was closed; open a new one`), null);
      }
      const refused = refuseWhenDraining();
      if (refused) return cb(refused, null);
      if (req.dataPath && (!isAbsolute(req.dataPath) || !isDirectory(req.dataPath))) {
        return cb(
          fail(
            status.INVALID_ARGUMENT,
            `data_path "${req.dataPath}" is not an absolute path to a folder on worker ${core.id}`,
          ),
          null,
        );
      }
      const badLimits = checkLimits(req.limits);
      if (badLimits) return cb(fail(status.INVALID_ARGUMENT, badLimits), null);
      for (const name of Object.keys(req.env)) {
        if (!ENV_NAME.test(name))
          return cb(fail(status.INVALID_ARGUMENT, `env: "${name}" is not a variable name`), null);
      }
      try {
        const session = core.openSession({
          id: req.sessionId || newId('ses'),
          labels: req.labels,
          dataPath: req.dataPath || undefined,
          env: req.env,
          wallMs: req.limits?.wallMs ?? 0,
          maxOutputBytes: req.limits?.maxOutputBytes ?? 0,
          limits: req.limits,
        });
        cb(null, sessionResponse(session, core.host.sandbox.mechanism || 'none'));
        if (req.startShell) session.startShell();
      } catch (err) {
        cb(fail(status.INTERNAL, `open session: ${(err as Error).message}`), null);
      }
    },

    closeSession: (call, cb) => {
      const { sessionId, keepWorkspace } = call.request;
      if (!core.sessions.has(sessionId)) {
        // A retried close of a session already closed succeeds.
        if (core.recentlyClosed.has(sessionId)) return cb(null, {});
        return cb(fail(status.NOT_FOUND, `no session ${sessionId} on worker ${core.id}`), null);
      }
      core.closeSession(sessionId, keepWorkspace).then(
        () => cb(null, {}),
        (err: Error) => cb(fail(status.INTERNAL, `close session: ${err.message}`), null),
      );
    },

    listSessions: (_call, cb) => {
      cb(null, {
        sessions: [...core.sessions.values()].map((s) => ({
          sessionId: s.id,
          labels: s.labels,
          openedUnixMs: s.openedUnixMs,
          runningExecIds: s.runningExecIds(),
        })),
      });
    },

    exec: (call) => {
      const req = call.request;
      const stream = call as ServerWritableStream<unknown, unknown>;
      const refuse = (code: status, details: string) => void call.emit('error', fail(code, details));
      const bad = checkExecRequest(req);
      if (bad) return refuse(status.INVALID_ARGUMENT, bad);
      if (req.execId) {
        const existing = core.execs.get(req.execId);
        if (existing) {
          // Idempotent Exec: a retry attaches to the exec it already started.
          if (existing.sessionId !== req.sessionId)
            return refuse(status.ALREADY_EXISTS, `exec ${req.execId} belongs to another session`);
          return void streamLog(existing.log, 0, stream);
        }
      }
      const refused = refuseWhenDraining();
      if (refused) return void call.emit('error', refused);
      const session = core.sessions.get(req.sessionId);
      if (!session) return refuse(status.NOT_FOUND, `no session ${req.sessionId} on worker ${core.id}`);
      if (req.files.length > 0) {
        if (!core.writeInline)
          return refuse(status.UNIMPLEMENTED, `files: worker ${core.id} has no file service`);
        try {
          core.writeInline(req.sessionId, req.files);
        } catch (err) {
          return void call.emit('error', err);
        }
      }
      const kind = req.kind === ExecKind.EXEC_KIND_BASH ? 'bash' : 'python';
      const run = session.exec({
        id: req.execId || newId('exe'),
        kind,
        code: req.code,
        label: req.label,
        wallMs: req.limits?.wallMs ?? 0,
        maxOutputBytes: req.limits?.maxOutputBytes ?? 0,
        limits: req.limits,
      });
      core.execs.set(run.id, run);
      core.logger.debug(
        { session: session.id, exec: run.id, kind, label: req.label || undefined },
        'exec queued',
      );
      void streamLog(run.log, 0, stream);
    },

    attach: (call) => {
      if (!call.request.execId)
        return void call.emit('error', fail(status.INVALID_ARGUMENT, 'exec_id: required'));
      const run = core.execs.get(call.request.execId);
      if (!run)
        return void call.emit(
          'error',
          fail(status.NOT_FOUND, `no exec ${call.request.execId} on worker ${core.id}`),
        );
      void streamLog(run.log, call.request.fromSeq, call as ServerWritableStream<unknown, unknown>);
    },

    cancel: (call, cb) => {
      if (!call.request.execId) return cb(fail(status.INVALID_ARGUMENT, 'exec_id: required'), null);
      const run = core.execs.get(call.request.execId);
      if (!run)
        return cb(fail(status.NOT_FOUND, `no exec ${call.request.execId} on worker ${core.id}`), null);
      core.logger.info({ exec: run.id, why: call.request.reason || undefined }, 'cancel requested');
      cb(null, { cancelled: run.cancel('cancelled') });
    },
  };
}
