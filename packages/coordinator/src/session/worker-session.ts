import { status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import pRetry from 'p-retry';
import {
  ExecKind,
  OutputStream,
  type ExecEvent,
  type ExecFinished,
  type InlineFile,
  type OpenSessionResponse,
  type WorkerConnection,
} from '@aira/protocol';
import type { Logger } from '@aira/core';
import { INLINE_FILE_BYTES, INLINE_TOTAL_BYTES } from '@aira/worker';
import {
  ExecGoneError,
  JobCancelledError,
  WorkerLostError,
  type AttachOptions,
  type ExecOptions,
  type ExecResult,
  type LocalSessionFile,
  type Session,
  type SessionFile,
} from '../agent/types.js';
import type { PoolWorker } from '../pool/pool-worker.js';
import { ExecLogFile } from './exec-log-file.js';
import { OutputCapture } from './output-capture.js';
import { getFiles, putFiles } from './files.js';
import { getFilesViaExec, putFilesViaExec } from './exec-files.js';

/** What the run loop learns from a session: each exec is journaled before its RPC is sent. */
export interface SessionHooks {
  /** Absolute path of the log that stores this exec's output as it streams. */
  logPath(execId: string): string;
  execStarted(info: { execId: string; kind: 'bash' | 'python'; label: string; log: string }): Promise<void>;
  execFinished(info: { execId: string; finished: ExecFinished; startedAt: number }): Promise<void>;
  /** The worker says the exec runs (its first event): a moment the worker has nothing else to do. */
  execRunning?(info: { execId: string }): void;
}

export interface OpenOptions {
  sessionId: string;
  labels: Record<string, string>;
  dataPath?: string;
  env?: Record<string, string>;
  /** Cap of every exec in this session (the run's per-exec cap). */
  perExecMs: number;
  callDeadlineMs: number;
  /** Aborted on cancel (budget, stop, study end). */
  signal: AbortSignal;
  hooks: SessionHooks;
  logger: Logger;
  /** How long a cancelled exec may take to report its end before the session gives up on it. */
  cancelWaitMs?: number;
}

/** A stream that broke before its exec finished: follow it again. */
class StreamBroken extends Error {}

/** A Session over one worker's gRPC API: streamed exec with re-attach, files, close. */
export class WorkerSession implements Session {
  readonly id: string;
  readonly workerId: string;
  readonly dirs: { data: string; work: string; submission: string };
  readonly python: string;
  readonly protection: string;
  readonly signal: AbortSignal;
  private execCount = 0;
  private closed = false;

  private constructor(
    private readonly worker: PoolWorker,
    res: OpenSessionResponse,
    private readonly opts: OpenOptions,
  ) {
    this.id = res.sessionId;
    this.workerId = worker.id;
    this.dirs = { data: res.dataDir, work: res.workDir, submission: res.submissionDir };
    this.python = worker.info.python?.executable ?? '';
    this.protection = res.protection;
    this.signal = opts.signal;
  }

  static async open(worker: PoolWorker, opts: OpenOptions): Promise<WorkerSession> {
    return new WorkerSession(worker, await openSessionRpc(worker, opts), opts);
  }

  /**
   * A session opened ahead of time (a spare) taken by a job, or one a previous coordinator used
   * (`execsBefore`: the highest exec number it gave out, so new execs never reuse an id; an Exec
   * with a known id is followed, not run).
   */
  static fromOpened(
    worker: PoolWorker,
    res: OpenSessionResponse,
    opts: Omit<OpenOptions, 'sessionId' | 'labels'>,
    execsBefore = 0,
  ): WorkerSession {
    const s = new WorkerSession(worker, res, { ...opts, sessionId: res.sessionId, labels: {} });
    s.execCount = execsBefore;
    return s;
  }

  async exec(kind: 'bash' | 'python', code: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new Error(`session ${this.id} is closed`);
    if (this.signal.aborted) throw new JobCancelledError(String(this.signal.reason ?? 'cancelled'));
    const execId = `${this.id}.x${++this.execCount}`;
    const label = options.label ?? kind;
    const logPath = this.opts.hooks.logPath(execId);
    const files = await this.execFiles(options.files);
    await this.opts.hooks.execStarted({ execId, kind, label, log: logPath });
    if (this.signal.aborted) throw new JobCancelledError(String(this.signal.reason ?? 'cancelled'));
    return this.follow(
      execId,
      logPath,
      'a',
      this.request(execId, kind, code, label, options, files),
      options,
    );
  }

  /**
   * An exec's files: those that may travel in the Exec call (a worker that lists "exec.files",
   * small files) are returned to send with it; otherwise they are put now, before the exec.
   */
  private async execFiles(files: SessionFile[] | undefined): Promise<InlineFile[]> {
    if (!files?.length) return [];
    const total = files.reduce((n, f) => n + f.data.length, 0);
    const inline =
      !this.worker.noFileService &&
      (this.worker.info?.features ?? []).includes('exec.files') &&
      total <= INLINE_TOTAL_BYTES &&
      files.every((f) => f.data.length <= INLINE_FILE_BYTES);
    if (inline) return files.map((f) => ({ path: f.path, data: f.data, mode: f.mode ?? 0 }));
    await this.putFiles(files);
    return [];
  }

  /**
   * Follows an exec this session started earlier (e.g. under a coordinator that has since died)
   * from its first event: its whole output is stored again (the log is rewritten, not appended)
   * and its end returned as exec() would. With `start`, the exec is (re)sent instead of attached
   * to: the worker streams the one it has from its start, or runs it now if it never got it.
   */
  async attach(execId: string, options: AttachOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new Error(`session ${this.id} is closed`);
    const m = /\.x(\d+)$/.exec(execId);
    if (m) this.execCount = Math.max(this.execCount, Number(m[1]));
    const logPath = this.opts.hooks.logPath(execId);
    const request = options.start
      ? this.request(
          execId,
          options.start.kind,
          options.start.code,
          options.label ?? options.start.kind,
          options,
          await this.execFiles(options.start.files),
        )
      : null;
    return this.follow(execId, logPath, 'w', request, options);
  }

  private request(
    execId: string,
    kind: 'bash' | 'python',
    code: string,
    label: string,
    options: ExecOptions,
    files: InlineFile[],
  ) {
    // wall_ms is a whole number on the wire: a fraction would make the request unencodable.
    const wallMs = Math.ceil(Math.min(options.timeoutMs ?? Infinity, this.opts.perExecMs));
    return {
      sessionId: this.id,
      kind: kind === 'bash' ? ExecKind.EXEC_KIND_BASH : ExecKind.EXEC_KIND_PYTHON,
      code,
      execId,
      label,
      limits: {
        wallMs: Number.isFinite(wallMs) ? wallMs : 0,
        memoryBytes: 0,
        maxProcesses: 0,
        cpuset: '',
        maxOutputBytes: 0,
        maxDiskBytes: 0,
      },
      files,
    };
  }

  /** Streams an exec's events into its log until it ends, re-attaching from the last seq when a stream drops. */
  private async follow(
    execId: string,
    logPath: string,
    logMode: 'a' | 'w',
    request: Parameters<WorkerConnection['stream']>[1] | null,
    options: ExecOptions,
  ): Promise<ExecResult> {
    const log = ExecLogFile.open(logPath, logMode);
    const capture = new OutputCapture();
    let lastSeq = -1;
    let startedAt = Date.now();
    let finished: ExecFinished | undefined;
    let cancelledAt = 0;
    let current: ClientReadableStream<unknown> | undefined;
    let giveUp: NodeJS.Timeout | undefined;
    const cancelWaitMs = this.opts.cancelWaitMs ?? 10_000;
    const onAbort = () => {
      cancelledAt = Date.now();
      // A worker that does not answer must not hold the job's end hostage.
      giveUp = setTimeout(() => current?.cancel(), this.worker.state === 'lost' ? 0 : cancelWaitMs);
      this.worker.conn
        .unary(
          'cancel',
          { execId, reason: String(this.signal.reason ?? 'cancelled') },
          { deadlineMs: this.opts.callDeadlineMs },
        )
        .catch(() => undefined);
    };
    this.signal.addEventListener('abort', onAbort, { once: true });
    if (this.signal.aborted) onAbort();
    const onEvent = async (ev: ExecEvent): Promise<void> => {
      if (ev.seq <= lastSeq) return; // a re-attached stream may repeat what we already have
      lastSeq = ev.seq;
      const e = ev.event;
      if (e?.$case === 'started') {
        startedAt = e.value.startedUnixMs || ev.unixMs;
        this.opts.hooks.execRunning?.({ execId });
      } else if (e?.$case === 'output') {
        capture.push(e.value.data);
        const full = log.write(e.value.data);
        if (full) await full;
        options.onOutput?.(
          e.value.stream === OutputStream.OUTPUT_STREAM_STDERR ? 'stderr' : 'stdout',
          e.value.data,
        );
      } else if (e?.$case === 'finished') finished = e.value;
    };
    try {
      // Each try streams from the last event seen; a broken stream is followed again after 100 ms,
      // doubling up to 5 s, for as long as the worker may still finish the exec.
      await pRetry(
        async () => {
          const call =
            lastSeq < 0 && request
              ? this.worker.conn.stream('exec', request as never)
              : this.worker.conn.stream('attach', { execId, fromSeq: lastSeq + 1 });
          current = call;
          const err = await consume(call, onEvent, () => finished !== undefined);
          if (finished) return;
          // A stream that ends cleanly without `finished`, or a request we could not even send,
          // will not get better by waiting: the exec fails, and with it this job.
          if (!err && !cancelledAt)
            throw new Error(`worker ${this.workerId} ended the stream of exec ${execId} before it finished`);
          if (err && isLocalFailure(err))
            throw new Error(`exec ${execId} on worker ${this.workerId}: ${err.details}`);
          // Before any event, NOT_FOUND is final: no such exec (attach) or no such session (exec).
          if (err?.code === status.NOT_FOUND && lastSeq < 0)
            throw new ExecGoneError(
              `worker ${this.workerId} does not know ${request ? `session ${this.id} (exec ${execId})` : `exec ${execId}`}`,
            );
          if (err?.code === status.NOT_FOUND && lastSeq >= 0)
            throw new WorkerLostError(`worker ${this.workerId} no longer knows exec ${execId}`);
          if (
            err?.code === status.UNAUTHENTICATED ||
            err?.code === status.INVALID_ARGUMENT ||
            err?.code === status.FAILED_PRECONDITION
          ) {
            throw new Error(`exec on worker ${this.workerId} refused: ${err.details}`);
          }
          if (cancelledAt && (this.worker.state === 'lost' || Date.now() - cancelledAt >= cancelWaitMs))
            return;
          throw new StreamBroken();
        },
        {
          retries: Infinity,
          minTimeout: 100,
          factor: 2,
          maxTimeout: 5_000,
          shouldRetry: ({ error }) => error instanceof StreamBroken,
        },
      );
    } finally {
      this.signal.removeEventListener('abort', onAbort);
      clearTimeout(giveUp);
      await log.close();
    }
    // Journaled in order before anything the agent does next; the caller need not wait for the
    // sync (fetching files does not depend on it, and the next exec.started waits for it anyway).
    if (finished)
      void this.opts.hooks.execFinished({ execId, finished, startedAt }).catch((err: unknown) => {
        this.opts.logger.debug({ err, exec: execId }, 'journaling the end of an exec failed');
      });
    if (this.signal.aborted || !finished)
      throw new JobCancelledError(String(this.signal.reason ?? 'cancelled'));
    const f = finished;
    return {
      execId,
      exitCode: f.exitCode,
      signal: f.signal,
      durationMs: f.durationMs,
      reason: f.reason,
      stateLost: f.stateLost,
      output: capture.text(),
      clipped: capture.clipped || f.outputTruncated,
      logPath,
    };
  }

  async putFiles(files: Array<SessionFile | LocalSessionFile>): Promise<void> {
    this.assertUsable();
    if (files.length === 0) return;
    if (!this.worker.noFileService) {
      try {
        await putFiles(this.worker.conn, this.id, files, this.opts.callDeadlineMs);
        return;
      } catch (err) {
        if ((err as ServiceError).code !== status.UNIMPLEMENTED) throw err;
        this.worker.noFileService = true;
      }
    }
    await putFilesViaExec((code, label) => this.exec('bash', code, { label }), this.root, files);
  }

  async getFiles(paths: string[]): Promise<SessionFile[]> {
    this.assertUsable();
    if (!this.worker.noFileService) {
      try {
        return await getFiles(this.worker.conn, this.id, paths, this.opts.callDeadlineMs);
      } catch (err) {
        if ((err as ServiceError).code !== status.UNIMPLEMENTED) throw err;
        this.worker.noFileService = true;
      }
    }
    return getFilesViaExec((code, label) => this.exec('bash', code, { label }), this.root, paths);
  }

  /** The session root as candidate code sees it (the parent of its work folder). */
  private get root(): string {
    return this.dirs.work.replace(/\/work\/?$/, '');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.conn
      .unary(
        'closeSession',
        { sessionId: this.id, keepWorkspace: false },
        { deadlineMs: this.opts.callDeadlineMs },
      )
      .catch((err: unknown) => {
        this.opts.logger.debug({ err, session: this.id }, 'close session failed');
      });
  }

  private assertUsable(): void {
    if (this.closed) throw new Error(`session ${this.id} is closed`);
    if (this.signal.aborted) throw new JobCancelledError(String(this.signal.reason ?? 'cancelled'));
  }
}

/** OpenSession on a worker, with the call deadline. */
export function openSessionRpc(
  worker: PoolWorker,
  opts: {
    sessionId: string;
    labels: Record<string, string>;
    dataPath?: string;
    env?: Record<string, string>;
    callDeadlineMs: number;
    /** Start the session's shell now (workers that list "session.start"). */
    startShell?: boolean;
  },
): Promise<OpenSessionResponse> {
  return worker.conn.unary(
    'openSession',
    {
      sessionId: opts.sessionId,
      labels: opts.labels,
      dataPath: opts.dataPath ?? '',
      limits: undefined,
      env: opts.env ?? {},
      startShell: opts.startShell ?? false,
    },
    { deadlineMs: opts.callDeadlineMs },
  );
}

/** Failures of our own side of a call (the request did not serialize): retrying repeats them. */
function isLocalFailure(err: ServiceError): boolean {
  return err.code === status.INTERNAL && /serialization failure/i.test(err.details ?? '');
}

/**
 * Runs a no-op (`:`) in a session's bash so its shell is started before a job needs it (for
 * workers that cannot start it at OpenSession: no "session.start" feature).
 */
export async function warmUp(worker: PoolWorker, sessionId: string): Promise<void> {
  const call = worker.conn.stream('exec', {
    sessionId,
    kind: ExecKind.EXEC_KIND_BASH,
    code: ':',
    execId: `${sessionId}.warm-up`,
    label: 'warm-up',
    limits: undefined,
  });
  let finished = false;
  const err = await consume(
    call,
    async (ev) => void (finished ||= ev.event?.$case === 'finished'),
    () => finished,
  );
  if (err) throw err;
  if (!finished)
    throw new Error(
      `worker ${worker.id} ended the warm-up stream of session ${sessionId} before it finished`,
    );
}

/**
 * Reads a stream until it ends, errors, or `done()` says enough; events are handled one at a time
 * (the stream is paused while each is stored, so a slow disk slows the sender, not our memory).
 */
function consume(
  call: ClientReadableStream<{ event?: ExecEvent | undefined }>,
  onEvent: (ev: ExecEvent) => Promise<void>,
  done: () => boolean,
): Promise<ServiceError | null> {
  return new Promise((resolve) => {
    let settled = false;
    let chain = Promise.resolve();
    const settle = (err: ServiceError | null) => {
      if (settled) return;
      settled = true;
      void chain.then(() => resolve(err));
    };
    call.on('data', (res: { event?: ExecEvent }) => {
      if (!res.event) return;
      call.pause();
      const ev = res.event;
      chain = chain.then(async () => {
        await onEvent(ev);
        // The worker ends the stream after `finished`; no need to cancel it (and pay for the error).
        if (done()) settle(null);
        call.resume();
      });
    });
    call.on('error', (err: ServiceError) => settle(err.code === status.CANCELLED && done() ? null : err));
    call.on('end', () => settle(null));
  });
}
