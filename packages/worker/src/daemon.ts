import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  Server,
  ServerCredentials,
  type ServerWritableStream,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import {
  CHANNEL_OPTIONS,
  ensureTokenFile,
  withAuth,
  type PythonEnvironment,
  type SandboxInfo,
} from '@aira/protocol';
import { ConfigError, newId, silentLogger, type Logger } from '@aira/core';
import type { ExecRun } from './exec/exec-run.js';
import { createHostProbe, type HostProbe } from './host/describe.js';
import { resolveCudaVisibleDevices } from './host/gpus.js';
import { probePython } from './host/python-env.js';
import { Lifecycle, type WorkerState } from './lifecycle.js';
import { parseWorkerOptions, splitListen, type WorkerOptions, type WorkerOptionsInput } from './options.js';
import { createWorkerHandlers, WORKER_SERVICE_DEFINITION, type WorkerCore } from './service.js';
import { refuseUndecodable } from './requests.js';
import { ProcessRecords } from './host/leftovers.js';
import type { Launcher, SessionPaths } from './session/launch.js';
import { Session } from './session/session.js';
import { createWorkerGuard, type Guard } from './sandbox/guard.js';
import { limitValues } from './sandbox/limits.js';
import { createDaemonFileHandlers, type FileHandlers, type FileService } from './files/handlers.js';

/** The name under which grpc.health.v1 reports the worker service ('' is the whole server). */
export const HEALTH_SERVICE_NAME = 'aira.worker.v1.WorkerService';

/** Describe's python.runner: what candidate Python runs under ("host", "bubblewrap", "apptainer:<image>"). */
export function pythonRunner(protection: string | undefined): string {
  return !protection || protection === 'none' ? 'host' : protection;
}

/** What the file-transfer module gets to implement PutFiles/GetFiles/HasBlobs. */
export interface FileServiceContext {
  workdir: string;
  logger: Logger;
  /** Paths of an open session, or undefined. */
  session(id: string): SessionPaths | undefined;
}
export type { FileHandlers, FileService };

export interface WorkerDaemonConfig {
  options: WorkerOptionsInput | WorkerOptions;
  logger?: Logger;
  /** How session processes are started (the sandbox replaces it); default: directly on the host. */
  launcher?: Launcher;
  /** What Describe reports about the sandbox (and OpenSession's protection: its mechanism); default: none. */
  sandbox?: SandboxInfo;
  /** File transfer handlers; default: UNIMPLEMENTED. */
  files?: (ctx: FileServiceContext) => FileService;
  /** Environment the launcher's CUDA_VISIBLE_DEVICES is read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** nvidia-smi binary (tests point it at a fake one). */
  nvidiaSmi?: string;
}

/** The first line a worker prints: how scripts and the coordinator find it. */
export interface ListeningLine {
  event: 'listening';
  address: string;
  worker_id: string;
  token_file: string;
  pid: number;
  workdir: string;
}

/**
 * The per-GPU worker daemon: a gRPC server (WorkerService + grpc.health.v1, every call
 * token-checked) over sessions with stateful bash and Python processes.
 * Lifecycle: STARTING → SERVING → (shutdown) DRAINING → STOPPED.
 */
export class WorkerDaemon implements WorkerCore {
  readonly id: string;
  readonly options: WorkerOptions;
  readonly logger: Logger;
  readonly host: HostProbe;
  readonly sessions = new Map<string, Session>();
  readonly execs = new Map<string, ExecRun>();
  readonly recentlyClosed = new Set<string>();
  readonly watchers = new Set<ServerWritableStream<unknown, unknown>>();
  readonly workdir: string;
  readonly tokenFile: string;
  readonly token: string;
  /** host:port actually bound. */
  address = '';
  private readonly lifecycle = new Lifecycle();
  private readonly server = new Server(CHANNEL_OPTIONS);
  private readonly health = new HealthImplementation({
    '': 'NOT_SERVING',
    [HEALTH_SERVICE_NAME]: 'NOT_SERVING',
  });
  private readonly launcher: Launcher;
  /** Writes an Exec's files; absent with a file service that cannot (Describe says so). */
  readonly writeInline?: FileService['writeInline'];
  /** Sandbox and limits of session processes; null when a custom launcher was given. */
  readonly guard: Guard | null;
  private readonly ownsWorkdir: boolean;
  /** Session processes as started, so a daemon restarted on this workdir can end what this one leaves. */
  private readonly records: ProcessRecords;
  private shutdownPromise?: Promise<void>;
  private readonly stoppedPromise: Promise<void>;
  private markStopped!: () => void;

  private constructor(config: WorkerDaemonConfig, python: Promise<PythonEnvironment>) {
    const o = (this.options = parseWorkerOptions(config.options));
    this.id = o.id ?? newId('wrk');
    this.logger = (config.logger ?? silentLogger()).child({ worker: this.id });
    this.ownsWorkdir = !o.workdir;
    this.workdir = o.workdir ? resolve(o.workdir) : mkdtempSync(join(tmpdir(), `aira-${this.id}-`));
    this.records = new ProcessRecords(this.workdir);
    mkdirSync(join(this.workdir, 'sessions'), { recursive: true });
    mkdirSync(join(this.workdir, 'logs'), { recursive: true });
    this.tokenFile = o.tokenFile ? resolve(o.tokenFile) : join(this.workdir, 'token');
    this.token = ensureTokenFile(this.tokenFile);
    const cuda = resolveCudaVisibleDevices(config.env ?? process.env, o.gpu);
    if (cuda.conflict) this.logger.warn(cuda.conflict);
    // The guard (sandbox, limits) starts every session process unless a launcher is given.
    this.guard = config.launcher
      ? null
      : createWorkerGuard(o, {
          workdir: this.workdir,
          tokenFile: this.tokenFile,
          cudaVisibleDevices: cuda.value,
        });
    this.launcher = config.launcher ?? this.guard!.launch;
    this.host = createHostProbe({
      cudaVisibleDevices: cuda.value,
      labels: o.labels,
      // The probe ran the interpreter on the host; sessions run it under the guard's protection.
      python: python.then((p) => ({
        ...p,
        runner: pythonRunner(this.guard?.protection ?? config.sandbox?.mechanism),
      })),
      nvidiaSmi: config.nvidiaSmi,
      sandbox: config.sandbox ??
        this.guard?.sandboxInfo() ?? {
          mechanism: 'none',
          mode: 'off',
          limits: 'none',
          note: 'no sandbox: candidate code runs as the worker user and can read what the worker can (hidden data on this machine is not protected)',
        },
    });
    this.lifecycle.onChange((state) => {
      const serving = state === 'SERVING' ? 'SERVING' : 'NOT_SERVING';
      this.health.setStatus('', serving);
      this.health.setStatus(HEALTH_SERVICE_NAME, serving);
      this.logger.info({ state }, `worker ${state.toLowerCase()}`);
    });
    this.stoppedPromise = new Promise((r) => (this.markStopped = r));
    const handlers = createWorkerHandlers(this);
    const fileCtx = {
      workdir: this.workdir,
      logger: this.logger,
      session: (id: string) => this.sessions.get(id)?.paths,
    };
    const files =
      config.files?.(fileCtx) ??
      createDaemonFileHandlers(fileCtx, { sandboxed: (this.guard?.protection ?? 'none') !== 'none' });
    const { writeInline, ...fileCalls } = files;
    this.writeInline = writeInline;
    const impl = { ...handlers, ...fileCalls } as unknown as UntypedServiceImplementation;
    this.server.addService(
      WORKER_SERVICE_DEFINITION,
      withAuth(WORKER_SERVICE_DEFINITION, refuseUndecodable(WORKER_SERVICE_DEFINITION, impl), this.token),
    );
    // Health is token-checked too: the token guards everything the daemon answers. A prober
    // (Kubernetes grpc probe) that cannot send metadata should use a TCP probe instead.
    this.health.addToServer({
      addService: (def: ServiceDefinition, impl: UntypedServiceImplementation) =>
        this.server.addService(def, withAuth(def, impl, this.token)),
    } as unknown as Server);
  }

  /** Validates options, probes the candidate Python, binds the port and starts serving. */
  static async start(config: WorkerDaemonConfig): Promise<WorkerDaemon> {
    const options = parseWorkerOptions(config.options);
    const python = await probePython(options.python).catch((err: Error) => {
      throw new ConfigError(`--python: ${err.message}`);
    });
    const daemon = new WorkerDaemon({ ...config, options }, Promise.resolve(python));
    const left = daemon.records.endLeftovers();
    if (left.sessions.length)
      daemon.logger.warn(
        { sessions: left.sessions, processes: left.killed },
        'ended what a previous daemon on this workdir left running',
      );
    await daemon.bind();
    return daemon;
  }

  get state(): WorkerState {
    return this.lifecycle.state;
  }

  /** Resolves when the daemon has stopped. */
  get stopped(): Promise<void> {
    return this.stoppedPromise;
  }

  listeningLine(): ListeningLine {
    return {
      event: 'listening',
      address: this.address,
      worker_id: this.id,
      token_file: this.tokenFile,
      pid: process.pid,
      workdir: this.workdir,
    };
  }

  openSession(params: Parameters<WorkerCore['openSession']>[0]): Session {
    const o = this.options;
    this.guard?.openSession(params.id, limitValues(params.limits));
    const session = new Session({
      id: params.id,
      labels: params.labels,
      root: join(this.workdir, 'sessions', params.id),
      logDir: join(this.workdir, 'logs', params.id),
      dataPath: params.dataPath,
      env: params.env,
      python: o.python,
      cudaVisibleDevices: this.host.cudaVisibleDevices,
      launcher: this.launcher,
      logger: this.logger.child({ session: params.id }),
      wallMs: params.wallMs || o.execTimeout,
      maxOutputBytes: Math.min(params.maxOutputBytes || o.maxExecLog, o.maxExecLog),
      cancelGraceMs: o.cancelGrace,
      guard: this.guard,
      onProcessStart: (pid) =>
        this.records.record(params.id, pid, join(this.workdir, 'sessions', params.id, 'work')),
    });
    this.sessions.set(session.id, session);
    this.logger.info({ session: session.id, labels: params.labels }, 'session opened');
    return session;
  }

  async closeSession(id: string, keepWorkspace: boolean): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    this.recentlyClosed.add(id);
    if (this.recentlyClosed.size > 10_000)
      this.recentlyClosed.delete(this.recentlyClosed.values().next().value!);
    // Ends what the session started (through the guard's group when there is one), then its files.
    await session.close(keepWorkspace);
    this.records.forget(id);
    for (const execId of session.execs.keys()) this.execs.delete(execId);
    this.logger.info({ session: id, keepWorkspace }, 'session closed');
  }

  /**
   * SIGTERM path: NOT_SERVING and no new sessions or execs; running execs get `graceMs` to
   * finish and their clients time to read the end; then what is left is killed, sessions are
   * closed and the server is forced down. Idempotent.
   */
  shutdown(graceMs = this.options.grace): Promise<void> {
    this.shutdownPromise ??= this.drain(graceMs);
    return this.shutdownPromise;
  }

  /** Skips the rest of the grace period (a second SIGTERM). */
  force(): void {
    this.forceNow?.();
  }
  private forceNow?: () => void;

  private async drain(graceMs: number): Promise<void> {
    if (this.state === 'STARTING') {
      this.lifecycle.to('STOPPED');
      this.markStopped();
      return;
    }
    this.lifecycle.to('DRAINING');
    const running = () => [...this.execs.values()].filter((e) => e.state !== 'finished');
    const forced = new Promise<void>((r) => (this.forceNow = r));
    const left = running();
    if (left.length) {
      this.logger.info({ running: left.length, graceMs }, 'draining: waiting for running execs');
      await Promise.race([Promise.all(left.map((e) => e.done)), sleep(graceMs), forced]);
    }
    const still = running();
    if (still.length) {
      this.logger.warn({ running: still.map((e) => e.id) }, 'grace period over: killing running execs');
      for (const e of still) e.cancel('worker shutdown');
      await Promise.race([Promise.all(still.map((e) => e.done)), sleep(this.options.cancelGrace + 2_000)]);
    }
    for (const w of this.watchers) w.end();
    // In-flight streams deliver their last events; then whatever is still open is cut.
    const t0 = Date.now();
    const graceful = await Promise.race([
      new Promise<boolean>((r) => this.server.tryShutdown(() => r(true))),
      sleep(3_000).then(() => false),
    ]);
    this.logger.debug({ graceful, ms: Date.now() - t0 }, 'server shut down');
    this.server.forceShutdown();
    await Promise.all([...this.sessions.keys()].map((id) => this.closeSession(id, false)));
    await this.guard?.close().catch(() => undefined);
    // No reader is left: exec logs whose deletion waited for one go now.
    rmSync(join(this.workdir, 'logs'), { recursive: true, force: true });
    if (this.ownsWorkdir) rmSync(this.workdir, { recursive: true, force: true });
    this.lifecycle.to('STOPPED');
    this.markStopped();
  }

  private async bind(): Promise<void> {
    const { host, port } = splitListen(this.options.listen);
    const bound = await new Promise<number>((resolvePort, reject) =>
      this.server.bindAsync(
        `${host.includes(':') ? `[${host}]` : host}:${port}`,
        ServerCredentials.createInsecure(),
        (err, p) =>
          err
            ? reject(new ConfigError(`cannot listen on ${this.options.listen}: ${err.message}`))
            : resolvePort(p),
      ),
    );
    this.address = `${host.includes(':') ? `[${host}]` : host}:${bound}`;
    this.lifecycle.to('SERVING');
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
