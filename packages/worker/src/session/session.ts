import { closeSync, mkdirSync, open as openFile, rmdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import type { Logger } from '@aira/core';
import { ExecLog } from '../exec/exec-log.js';
import { ExecRun, type ExecKindName } from '../exec/exec-run.js';
import { descendantsOf, pidsWithEnv, signalAll, signalGroup } from '../host/proc.js';
import { bashDialect } from './bash.js';
import type { Launcher, LaunchSpec, SessionPaths } from './launch.js';
import { PYTHON_DRIVER, pythonDialect } from './python.js';
import { StatefulProcess } from './stateful.js';
import type { Limits } from '@aira/protocol';
import type { Guard } from '../sandbox/guard.js';
import { limitValues } from '../sandbox/limits.js';
import type { ExecGuardStarter } from '../exec/exec-run.js';

export interface SessionOptions {
  id: string;
  labels: Record<string, string>;
  /** <workdir>/sessions/<id>: what candidate code works in. */
  root: string;
  /** <workdir>/logs/<id>: exec logs, outside what candidate code sees. */
  logDir: string;
  /** A host folder to use as the data folder (shared filesystem), instead of an empty one. */
  dataPath?: string;
  env: Record<string, string>;
  python: string;
  cudaVisibleDevices?: string;
  launcher: Launcher;
  logger: Logger;
  /** Default per-exec timeout for this session (0: none). */
  wallMs: number;
  /** Cap of each exec's output log, bytes. */
  maxOutputBytes: number;
  cancelGraceMs: number;
  /** Sandbox and limits: each exec gets its own group and limits (none with a custom launcher). */
  guard?: Guard | null;
  /** Told the pid of each stateful process started (so a later daemon can end what a killed one left). */
  onProcessStart?: (pid: number) => void;
}

export interface ExecParams {
  id: string;
  kind: ExecKindName;
  code: string;
  label: string;
  wallMs: number;
  maxOutputBytes: number;
  /** The request's limits (memory, processes, CPU set, disk) within the session's. */
  limits?: Limits;
}

/** Variables passed from the daemon's environment to candidate processes; nothing else leaks (no API keys). */
const PASS_ENV =
  /^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR|LD_LIBRARY_PATH|CUDA_[A-Z_]+|NVIDIA_[A-Z_]+|OMP_[A-Z_]+|MKL_[A-Z_]+|OPENBLAS_[A-Z_]+|HF_[A-Z_]+|TORCH_[A-Z_]+|XDG_CACHE_HOME)$/;

/** How long after an exec ends the session's next exec log is made (see Session.nextLog). */
const LOG_AHEAD_AFTER_MS = 250;

/** An exec log made ahead and never used. */
function dropLog(log: { path: string; fd: number }): void {
  closeSync(log.fd);
  rmSync(log.path, { force: true });
}

/**
 * A workspace (data, work, submission) with a stateful bash and a stateful Python process
 * (started on the first Python exec). Execs of one kind run one at a time, in arrival order;
 * bash and Python execs may run side by side.
 */
export class Session {
  readonly id: string;
  readonly labels: Record<string, string>;
  readonly openedUnixMs = Date.now();
  readonly paths: SessionPaths;
  readonly execs = new Map<string, ExecRun>();
  private readonly bash: StatefulProcess;
  private readonly python: StatefulProcess;
  private readonly queues: Record<ExecKindName, Promise<void>> = {
    bash: Promise.resolve(),
    python: Promise.resolve(),
  };
  private closed = false;
  /** The next exec's log file, made ahead (see nextLog). */
  private readyLog: { path: string; fd: number } | undefined;
  private makingLog = false;
  private logsMade = 0;

  constructor(private readonly opts: SessionOptions) {
    this.id = opts.id;
    this.labels = opts.labels;
    this.paths = {
      id: opts.id,
      root: opts.root,
      dataDir: join(opts.root, 'data'),
      workDir: join(opts.root, 'work'),
      submissionDir: join(opts.root, 'submission'),
    };
    mkdirSync(opts.root, { recursive: true });
    if (opts.dataPath) {
      // Without a sandbox the data folder is a link to the shared one (the sandbox binds it read-only).
      symlinkSync(opts.dataPath, this.paths.dataDir);
    } else mkdirSync(this.paths.dataDir, { recursive: true });
    mkdirSync(this.paths.workDir, { recursive: true });
    mkdirSync(this.paths.submissionDir, { recursive: true });
    mkdirSync(opts.logDir, { recursive: true });
    this.makeLogAhead();
    const env = this.environment();
    const spec =
      (role: 'bash' | 'python', argv: string[], readOnlyPaths: string[]): (() => LaunchSpec) =>
      () => ({
        role,
        argv,
        cwd: this.paths.workDir,
        env,
        session: this.paths,
        readOnlyPaths,
      });
    this.bash = new StatefulProcess(
      bashDialect(spec('bash', ['/bin/bash', '--noprofile', '--norc'], [opts.python]), opts.python),
      opts.launcher,
      opts.logger.child({ process: 'bash' }),
      opts.onProcessStart,
    );
    this.python = new StatefulProcess(
      pythonDialect(spec('python', [opts.python, '-u', PYTHON_DRIVER], [opts.python, PYTHON_DRIVER])),
      opts.launcher,
      opts.logger.child({ process: 'python' }),
      opts.onProcessStart,
    );
  }

  get isClosed(): boolean {
    return this.closed;
  }

  runningExecIds(): string[] {
    return [...this.execs.values()].filter((e) => e.state !== 'finished').map((e) => e.id);
  }

  /**
   * Starts the stateful bash now (OpenSessionRequest.start_shell) and, with a guard, leaves it in
   * a group of its own that the session's first exec takes as its exec group; first in the bash
   * queue, so an exec sent meanwhile waits for it. A failure is only logged: the exec then starts
   * the shell as it would have.
   */
  startShell(): void {
    if (this.closed) return;
    const start = this.queues.bash.then(async () => {
      if (this.closed) return;
      const pid = this.bash.start();
      if (pid && this.opts.guard) await this.opts.guard.settle({ sessionId: this.id, pid });
    });
    this.queues.bash = start.catch((err: unknown) => {
      this.opts.logger.warn({ err }, 'starting the session shell ahead failed');
    });
  }

  /** Queues an exec; its events appear in its log from when it starts. */
  exec(params: ExecParams): ExecRun {
    if (this.closed) throw new Error(`session ${this.id} is closed`);
    const run = new ExecRun({
      id: params.id,
      sessionId: this.id,
      kind: params.kind,
      code: params.code,
      label: params.label,
      // The session's cap (itself within the worker's) is a ceiling an exec can only lower.
      log: this.nextLog(
        Math.min(params.maxOutputBytes || this.opts.maxOutputBytes, this.opts.maxOutputBytes),
      ),
      wallMs: params.wallMs || this.opts.wallMs,
      cancelGraceMs: this.opts.cancelGraceMs,
      logger: this.opts.logger.child({ exec: params.id, kind: params.kind }),
      guard: this.opts.guard ? this.execGuard(this.opts.guard, params) : undefined,
    });
    this.execs.set(run.id, run);
    void run.done.then(() => this.makeLogAheadSoon());
    const proc = params.kind === 'bash' ? this.bash : this.python;
    const next = this.queues[params.kind].then(() => run.execute(proc));
    this.queues[params.kind] = next.catch((err: unknown) => {
      this.opts.logger.error({ err, exec: run.id }, 'exec failed inside the worker');
    });
    return run;
  }

  /**
   * An exec's log: the file made ahead when there is one, so that an exec's start creates no file
   * (a file created while the disk syncs can wait for the file system's journal:
   * docs/dispatch.md). The session's first is made when it opens, each next one a while after an
   * exec ends, through the thread pool: a session closed by then (a job of one exec) makes none.
   */
  private nextLog(capBytes: number): ExecLog {
    const ready = this.readyLog;
    this.readyLog = undefined;
    if (ready) return new ExecLog(ready.path, capBytes, ready.fd);
    return new ExecLog(join(this.opts.logDir, `exec-${++this.logsMade}.log`), capBytes);
  }

  private makeLogAheadSoon(): void {
    setTimeout(() => {
      if (!this.closed && !this.readyLog) this.makeLogAhead();
    }, LOG_AHEAD_AFTER_MS).unref();
  }

  private makeLogAhead(): void {
    if (this.makingLog) return;
    this.makingLog = true;
    const path = join(this.opts.logDir, `exec-${++this.logsMade}.log`);
    openFile(path, 'w', 0o600, (err, fd) => {
      this.makingLog = false;
      if (err) return; // made when needed instead
      if (this.closed) return dropLog({ path, fd });
      this.readyLog = { path, fd };
    });
  }

  /** Starts an exec's guard on the stateful process that runs it; breaches cancel the exec with their reason. */
  private execGuard(guard: Guard, params: ExecParams): ExecGuardStarter {
    return (pid, onBreach) =>
      guard.beginExec({
        sessionId: this.id,
        execId: params.id,
        limits: limitValues(params.limits),
        pid,
        folders: [this.paths.workDir, this.paths.submissionDir],
        onBreach,
      });
  }

  /**
   * Ends everything the session started: running execs, both processes, their process groups,
   * their descendants and whatever still carries the session's tag in its environment (daemonized
   * children); then removes the workspace and logs unless kept.
   */
  async close(keepWorkspace: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const run of this.execs.values()) run.cancel('session closed', 0);
    if (this.opts.guard) {
      // The guard ends everything else (its group, or its own sweep of /proc) before the
      // workspace goes: no second search of /proc here.
      this.bash.kill({ tree: false });
      this.python.kill({ tree: false });
      await this.opts.guard
        .closeSession(this.id)
        .catch((err: Error) => this.opts.logger.error({ err }, 'cannot end every process of the session'));
    } else {
      const roots = [this.bash.pid, this.python.pid].filter((p): p is number => p !== undefined);
      const victims = new Set<number>(pidsWithEnv('AIRA_SESSION_ID', this.id));
      for (const pid of roots) {
        victims.add(pid);
        for (const d of descendantsOf(pid)) victims.add(d);
        signalGroup(pid, 'SIGKILL');
      }
      signalAll(victims, 'SIGKILL');
      this.bash.kill();
      this.python.kill();
    }
    await Promise.race([
      Promise.all([...this.execs.values()].map((e) => e.done)),
      new Promise((r) => setTimeout(r, 2_000)),
    ]);
    for (const run of this.execs.values()) run.abandon('session closed');
    // Exec logs are the daemon's, not the workspace's: they go with the session either way.
    // A log still being read is deleted when its last reader is done; the folder goes now if
    // empty, else a minute later (a reader that has the file open reads on after the unlink).
    for (const run of this.execs.values()) run.log.remove();
    if (this.readyLog) dropLog(this.readyLog);
    this.readyLog = undefined;
    try {
      rmdirSync(this.opts.logDir);
    } catch {
      setTimeout(() => rmSync(this.opts.logDir, { recursive: true, force: true }), 60_000).unref();
    }
    // Off the event loop: a workspace can hold many files, and other sessions' calls go on meanwhile.
    if (!keepWorkspace) await rm(this.opts.root, { recursive: true, force: true });
  }

  private environment(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && PASS_ENV.test(k)) env[k] = v;
    delete env.CUDA_VISIBLE_DEVICES;
    if (this.opts.cudaVisibleDevices !== undefined) env.CUDA_VISIBLE_DEVICES = this.opts.cudaVisibleDevices;
    // The configured interpreter comes first, so `python3 x.py` in bash means the same Python as the kernel.
    env.PATH = [dirname(this.opts.python), env.PATH ?? '/usr/local/bin:/usr/bin:/bin'].join(delimiter);
    Object.assign(env, {
      TERM: 'dumb',
      SHELL: '/bin/bash',
      PYTHONUNBUFFERED: '1',
      AIRA_SESSION_ID: this.id,
      AIRA_DATA_DIR: this.paths.dataDir,
      AIRA_WORK_DIR: this.paths.workDir,
      AIRA_SUBMISSION_DIR: this.paths.submissionDir,
    });
    Object.assign(env, this.opts.env);
    env.AIRA_SESSION_ID = this.id; // the tag CloseSession finds escaped processes by
    return env;
  }
}

/** True when path is an existing folder. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
