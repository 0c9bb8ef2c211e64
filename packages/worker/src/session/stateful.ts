import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { OutputStream } from '@aira/protocol';
import type { Logger } from '@aira/core';
import { MarkerStripper } from './marker.js';
import type { LaunchSpec, Launcher } from './launch.js';
import { descendantsOf, pidsWithEnv, signalAll, signalGroup } from '../host/proc.js';

/** Where a request's output goes as it arrives. */
export type OutputSink = (stream: OutputStream, data: Buffer) => void;

export interface RunOutcome {
  exitCode: number;
  /** Signal name when the request ended by a signal (exitCode is then -1). */
  signal: string;
  /** The process died or had to be killed during the request: its state is gone. */
  stateLost: boolean;
  protection: string;
}

interface Current {
  execId: string;
  marker: string;
  out: MarkerStripper;
  err: MarkerStripper;
  status?: string;
  sink: OutputSink;
  resolve: (outcome: RunOutcome) => void;
}

/** How a kind of stateful process is started and spoken to. */
export interface ProcessDialect {
  role: 'bash' | 'python';
  spec(): LaunchSpec;
  /** Bytes that make the process run `code` and then print `marker` and its status. */
  request(execId: string, marker: string, code: string): string;
  /** A first gentle stop of the running request (Python: SIGINT → KeyboardInterrupt; bash: SIGUSR1). */
  softInterrupt?(pid: number): void;
  /** Send the gentle stop again while waiting (it may land before the request began). */
  repeatSoftInterrupt?: boolean;
  /** Turns the status text after the marker into an exit code or signal. */
  parseStatus(text: string): { exitCode: number; signal: string };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * One long-lived process (bash or the Python driver) that runs requests one at a time.
 * Completion: after each request the process writes a random per-request marker to stdout and
 * stderr and "<marker> <status>" to fd 3. The request is complete when the status has arrived and
 * both markers have been seen, so no output of the request is lost to pipe ordering; the markers
 * are stripped from the output (also when split across reads).
 */
export class StatefulProcess {
  private child?: ChildProcess;
  private current?: Current;
  private statusBuf = '';
  private protection = 'none';
  private starts = 0;

  constructor(
    private readonly dialect: ProcessDialect,
    private readonly launcher: Launcher,
    private readonly log: Logger,
    /** Told each time the process (re)starts, with its pid. */
    private readonly onStart?: (pid: number) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  /** Starts the process unless it runs; its pid (undefined when the spawn failed). */
  start(): number | undefined {
    return this.ensureStarted().pid;
  }

  /** Runs one request; output goes to sink as it arrives. One request at a time. */
  /** `before` runs once the process exists and before the request is written (the exec's guard moves it into the exec's group). */
  run(
    execId: string,
    code: string,
    sink: OutputSink,
    before?: (pid: number) => Promise<void>,
  ): Promise<RunOutcome> {
    if (this.current) throw new Error(`${this.dialect.role} process is busy`);
    const child = this.ensureStarted();
    const marker = `__aira_end_${randomBytes(16).toString('hex')}__`;
    const markerBytes = Buffer.from(marker);
    return new Promise<RunOutcome>((resolve) => {
      this.current = {
        execId,
        marker,
        out: new MarkerStripper(markerBytes),
        err: new MarkerStripper(markerBytes),
        sink,
        resolve,
      };
      if (child.exitCode !== null || child.signalCode !== null) {
        this.onExit(child, child.exitCode, child.signalCode);
        return;
      }
      const request = this.dialect.request(execId, marker, code);
      const send = () => {
        if (this.child === child && this.current?.execId === execId) child.stdin!.write(request);
      };
      if (before && child.pid) before(child.pid).then(send, send);
      else send();
    });
  }

  /**
   * Stops the running request `execId` and everything it started: the dialect's gentle interrupt
   * and SIGTERM to its processes (repeated while waiting), SIGKILL after the grace period, and if
   * the process itself is still stuck (a C call that ignores SIGINT, a trap the user replaced)
   * the whole process group is killed and the state is lost.
   */
  async interrupt(execId: string, graceMs: number): Promise<void> {
    const cur = this.current;
    const child = this.child;
    if (!cur || cur.execId !== execId || !child?.pid) return;
    const pid = child.pid;
    const done = () => this.current !== cur;
    const targets = (withTagged: boolean) => {
      const set = new Set(descendantsOf(pid));
      if (withTagged) for (const p of pidsWithEnv('AIRA_EXEC_ID', execId)) set.add(p);
      set.delete(pid);
      return set;
    };
    this.dialect.softInterrupt?.(pid);
    signalAll(targets(true), 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (!done() && Date.now() < deadline) {
      await sleep(50);
      if (done()) break;
      if (this.dialect.repeatSoftInterrupt) this.dialect.softInterrupt?.(pid);
      signalAll(targets(false), 'SIGTERM');
    }
    if (!done()) {
      signalAll(targets(true), 'SIGKILL');
      for (let i = 0; i < 10 && !done(); i++) await sleep(50);
    }
    if (!done()) {
      this.log.warn(
        { exec: execId, pid },
        `${this.dialect.role} process did not stop: killing it (state lost)`,
      );
      this.kill();
    }
    // Whatever the request left behind in the background ends with it.
    signalAll(
      [...pidsWithEnv('AIRA_EXEC_ID', execId)].filter((p) => p !== this.child?.pid),
      'SIGKILL',
    );
  }

  /** Kills the process, its group and (unless `tree` is false: a caller that ends them itself) its descendants. */
  kill(options: { tree?: boolean } = {}): void {
    const child = this.child;
    if (!child?.pid) return;
    const pids = options.tree === false ? [] : descendantsOf(child.pid);
    signalGroup(child.pid, 'SIGKILL');
    signalAll([child.pid, ...pids], 'SIGKILL');
  }

  private ensureStarted(): ChildProcess {
    if (this.child) return this.child;
    const spec = this.dialect.spec();
    const { child, protection } = this.launcher(spec);
    this.protection = protection;
    this.starts++;
    this.child = child;
    this.statusBuf = '';
    this.log.debug(
      { pid: child.pid, role: this.dialect.role, starts: this.starts },
      'started stateful process',
    );
    if (child.pid) this.onStart?.(child.pid);
    child.stdin!.on('error', () => {}); // EPIPE when it died: handled by 'exit'
    child.stdout!.on('data', (chunk: Buffer) => this.onOutput(OutputStream.OUTPUT_STREAM_STDOUT, chunk));
    child.stderr!.on('data', (chunk: Buffer) => this.onOutput(OutputStream.OUTPUT_STREAM_STDERR, chunk));
    const status = child.stdio[3] as Readable;
    status.setEncoding('utf8');
    status.on('data', (text: string) => this.onStatus(text));
    status.on('error', () => {});
    child.on('error', (err) => {
      this.log.error({ err, role: this.dialect.role }, 'cannot start stateful process');
      const cur = this.current;
      if (cur)
        cur.sink(
          OutputStream.OUTPUT_STREAM_STDERR,
          Buffer.from(`aira: cannot start ${spec.argv[0]}: ${err.message}\n`),
        );
      this.onExit(child, 127, null);
    });
    child.on('exit', (code, signal) => {
      // stdout/stderr may still hold the last bytes: wait for them briefly (a background
      // grandchild can keep the pipes open forever, so not for 'close').
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        this.onExit(child, code, signal);
      };
      child.once('close', settle);
      setTimeout(settle, 200).unref();
    });
    return child;
  }

  private onOutput(stream: OutputStream, chunk: Buffer): void {
    const cur = this.current;
    if (!cur) return; // background output between requests belongs to no exec
    const strip = stream === OutputStream.OUTPUT_STREAM_STDOUT ? cur.out : cur.err;
    const data = strip.push(chunk);
    if (data.length) cur.sink(stream, data);
    if (strip.done) this.maybeComplete();
  }

  private onStatus(text: string): void {
    this.statusBuf += text;
    let nl: number;
    while ((nl = this.statusBuf.indexOf('\n')) >= 0) {
      const line = this.statusBuf.slice(0, nl);
      this.statusBuf = this.statusBuf.slice(nl + 1);
      const cur = this.current;
      const space = line.indexOf(' ');
      if (cur && line.slice(0, space) === cur.marker) {
        cur.status = line.slice(space + 1);
        this.maybeComplete();
      }
    }
  }

  private maybeComplete(): void {
    const cur = this.current;
    if (!cur || cur.status === undefined || !cur.out.done || !cur.err.done) return;
    this.current = undefined;
    const { exitCode, signal } = this.dialect.parseStatus(cur.status);
    cur.resolve({ exitCode, signal, stateLost: false, protection: this.protection });
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    // Anything it left running in its group goes with it.
    if (child.pid) signalGroup(child.pid, 'SIGKILL');
    const cur = this.current;
    this.current = undefined;
    this.log.debug({ role: this.dialect.role, code, signal }, 'stateful process ended');
    if (!cur) return;
    const out = cur.out.flush();
    if (out.length) cur.sink(OutputStream.OUTPUT_STREAM_STDOUT, out);
    const err = cur.err.flush();
    if (err.length) cur.sink(OutputStream.OUTPUT_STREAM_STDERR, err);
    cur.resolve({
      exitCode: signal ? -1 : (code ?? -1),
      signal: signal ?? '',
      stateLost: true,
      protection: this.protection,
    });
  }
}
