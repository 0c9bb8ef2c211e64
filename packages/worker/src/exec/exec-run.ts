import { OutputStream, type ExecFinished } from '@aira/protocol';
import type { Logger } from '@aira/core';
import { ExecLog } from './exec-log.js';
import { PeakMemory } from './peak-memory.js';
import { signalFromStatus } from '../session/bash.js';
import type { StatefulProcess } from '../session/stateful.js';
import type { ExecGuard } from '../sandbox/guard.js';
import { formatBytes } from '../sandbox/share.js';

export type ExecKindName = 'bash' | 'python';
export type ExecState = 'queued' | 'running' | 'finished';

export interface ExecRunOptions {
  id: string;
  sessionId: string;
  kind: ExecKindName;
  code: string;
  label: string;
  log: ExecLog;
  /** 0: no timeout. */
  wallMs: number;
  /** How long a cancelled exec gets between SIGTERM and SIGKILL. */
  cancelGraceMs: number;
  logger: Logger;
  /** Starts the exec's sandbox group and limits on the stateful process, before the request is sent. */
  guard?: ExecGuardStarter;
}

/** Starts an exec's guard on the stateful process `pid`; `onBreach` gets the reason of a limit breached. */
export type ExecGuardStarter = (
  pid: number | undefined,
  onBreach: (reason: string) => void,
) => Promise<ExecGuard>;

/** Reads arriving within COALESCE_MS are written as one chunk of up to COALESCE_BYTES: a chatty
 * program (Python -u writes every print) makes fewer events, and a fast one makes larger chunks
 * than the pipe's 64 KiB reads (fewer records and gRPC messages per byte: 1 MiB streams ~25 %
 * faster than 256 KiB, docs/streaming.md, and stays far below gRPC's default 4 MiB message limit
 * of clients made from proto/ alone). */
const COALESCE_BYTES = 1024 * 1024;
const COALESCE_MS = 5;

/**
 * One exec: its log, its place in the session's queue, timeout and cancel. Events: seq 0 started
 * when it actually starts, output chunks as they arrive, finished last.
 */
export class ExecRun {
  readonly id: string;
  readonly sessionId: string;
  readonly kind: ExecKindName;
  readonly label: string;
  readonly log: ExecLog;
  state: ExecState = 'queued';
  startedUnixMs = 0;
  private cancelReason?: string;
  private process?: StatefulProcess;
  private guard?: ExecGuard;
  private pending?: { stream: OutputStream; parts: Buffer[]; bytes: number };
  private flushScheduled = false;
  private readonly finishedPromise: Promise<void>;
  private markFinished!: () => void;

  constructor(private readonly opts: ExecRunOptions) {
    this.opts = { ...opts };
    this.id = opts.id;
    this.sessionId = opts.sessionId;
    this.kind = opts.kind;
    this.label = opts.label;
    this.log = opts.log;
    this.finishedPromise = new Promise((r) => (this.markFinished = r));
  }

  /** Resolves when the finished event is in the log. */
  get done(): Promise<void> {
    return this.finishedPromise;
  }

  /** Runs the exec in its session's process (called when its turn in the queue comes). */
  async execute(proc: StatefulProcess): Promise<void> {
    if (this.state !== 'queued') return; // cancelled while queued
    this.state = 'running';
    this.process = proc;
    this.startedUnixMs = Date.now();
    this.log.append(
      {
        $case: 'started',
        value: { execId: this.id, sessionId: this.sessionId, startedUnixMs: this.startedUnixMs },
      },
      this.startedUnixMs,
    );
    const t0 = performance.now();
    const timer =
      this.opts.wallMs > 0 ? setTimeout(() => this.cancel('timeout'), this.opts.wallMs) : undefined;
    let peak: PeakMemory | undefined;
    const starter = this.opts.guard;
    // The guard moves the stateful process into the exec's group before the request reaches it;
    // a group with memory accounting knows the peak, else it is sampled from /proc.
    const before = starter
      ? async (pid: number) => {
          this.guard = await starter(pid, (reason) => this.cancel(reason)).catch((err: Error) => {
            this.opts.logger.error({ err }, 'exec limits not applied');
            return undefined;
          });
          if (this.cancelReason) this.guard?.cancel(0);
          if (!this.guard?.measuresMemory && proc.pid) peak = new PeakMemory(proc.pid).start();
        }
      : undefined;
    const outcomePromise = proc.run(
      this.id,
      this.opts.code,
      (stream, data) => this.onOutput(stream, data),
      before,
    );
    this.opts.code = ''; // sent: not kept for the session's lifetime
    if (!starter && proc.pid) peak = new PeakMemory(proc.pid).start();
    const outcome = await outcomePromise;
    clearTimeout(timer);
    this.flush();
    const usage = await this.guard?.end(Boolean(this.cancelReason));
    let { exitCode, signal } = outcome;
    // A cancelled shell command reports 128+N; say which signal ended it.
    if (this.cancelReason && !signal && this.kind === 'bash') {
      const name = signalFromStatus(exitCode);
      if (name) [exitCode, signal] = [-1, name];
    }
    const finished: ExecFinished = {
      exitCode,
      signal,
      durationMs: Math.round(performance.now() - t0),
      peakMemoryBytes: Math.max(peak?.stop() ?? 0, usage?.peakMemoryBytes ?? 0),
      // Why it ended (cancel, timeout, output limit), then what the limits saw (OOM kill, process limit).
      reason: [this.cancelReason, ...(usage?.reasons ?? [])].filter(Boolean).join('; '),
      protection: outcome.protection,
      stateLost: outcome.stateLost,
      outputBytes: this.log.outputBytes,
      outputTruncated: this.log.truncated,
    };
    this.finish(finished);
  }

  /**
   * Stops the exec (reason "cancelled" or "timeout"). Returns false when it had already finished.
   * A queued exec finishes at once without running.
   */
  cancel(reason: string, graceMs = this.opts.cancelGraceMs): boolean {
    if (this.state === 'finished') return false;
    if (this.cancelReason) return true;
    this.cancelReason = reason;
    this.opts.logger.info({ reason }, 'cancelling exec');
    if (this.state === 'queued') {
      const now = Date.now();
      this.startedUnixMs = now;
      this.log.append(
        { $case: 'started', value: { execId: this.id, sessionId: this.sessionId, startedUnixMs: now } },
        now,
      );
      this.finish({
        exitCode: -1,
        signal: '',
        durationMs: 0,
        peakMemoryBytes: 0,
        reason,
        protection: 'none',
        stateLost: false,
        outputBytes: 0,
        outputTruncated: false,
      });
      return true;
    }
    void this.process?.interrupt(this.id, graceMs);
    this.guard?.cancel(graceMs);
    return true;
  }

  /**
   * Ends the exec's log now if it has not ended (its session is gone and the process with it):
   * readers get a last event instead of waiting forever.
   */
  abandon(reason: string): void {
    if (this.state === 'finished') return;
    this.flush();
    this.finish({
      exitCode: -1,
      signal: 'SIGKILL',
      durationMs: this.startedUnixMs ? Date.now() - this.startedUnixMs : 0,
      peakMemoryBytes: 0,
      reason,
      protection: 'none',
      stateLost: true,
      outputBytes: this.log.outputBytes,
      outputTruncated: this.log.truncated,
    });
  }

  private finish(finished: ExecFinished): void {
    if (this.state === 'finished') return;
    if (this.log.count === 0)
      this.log.append({
        $case: 'started',
        value: { execId: this.id, sessionId: this.sessionId, startedUnixMs: Date.now() },
      });
    this.state = 'finished';
    this.log.append({ $case: 'finished', value: finished });
    this.opts.logger.info(
      {
        exitCode: finished.exitCode,
        signal: finished.signal || undefined,
        reason: finished.reason || undefined,
        durationMs: finished.durationMs,
        outputBytes: finished.outputBytes,
      },
      'exec finished',
    );
    this.markFinished();
  }

  private onOutput(stream: OutputStream, data: Buffer): void {
    const p = this.pending;
    if (p && p.stream !== stream) this.flush();
    const q = (this.pending ??= { stream, parts: [], bytes: 0 });
    q.parts.push(data);
    q.bytes += data.length;
    if (q.bytes >= COALESCE_BYTES) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setTimeout(() => {
        this.flushScheduled = false;
        this.flush();
      }, COALESCE_MS);
    }
  }

  private flush(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    const wasTruncated = this.log.truncated;
    this.log.appendOutput(p.stream, p.parts);
    // An endless print loop would otherwise run on with its output dropped: stop it at the cap.
    if (this.log.truncated && !wasTruncated && this.state === 'running')
      this.cancel(`output limit ${formatBytes(this.log.capBytes)} exceeded`);
  }
}
