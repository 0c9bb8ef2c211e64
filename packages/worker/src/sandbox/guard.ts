import { spawn } from 'node:child_process';
import { lstatSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from '@aira/core';
import type { SandboxInfo } from '@aira/protocol';
import type { Launched, LaunchSpec } from '../session/launch.js';
import { apptainerArgv, findApptainer, parseContainer, ContainerSetupError, type ContainerSpec } from './apptainer.js';
import { bubblewrapArgv, decideSandbox, probeBubblewrap, type Bind, type SandboxDecision, type SandboxMode } from './bubblewrap.js';
import { gpuExposure, listGpus, selectGpus, type GpuDevice, type GpuExposure } from './gpu.js';
import { LimitsEnforcer, type ExecLimits, type ExecUsage, type LimitValues, type SessionLimits } from './limits.js';
import { DiskWatch, OutputBudget } from './watch.js';
import { commandPid } from './procs.js';
import { resolvePython, type CandidatePython } from './python.js';

export interface GuardOptions {
  sandbox?: SandboxMode;
  /** The worker's workdir: never visible to candidate code (sessions' own folders excepted). */
  workdir: string;
  /** More paths candidate code must never see: the token file, coordinator run folders, private answers. */
  protect?: string[];
  /** `--python`: interpreter or virtualenv. */
  python?: string;
  /** `--container apptainer:IMAGE`. */
  container?: string;
  /** The worker's CUDA_VISIBLE_DEVICES (undefined: every GPU of the machine). */
  cudaVisibleDevices?: string;
  /** false: ignore cgroups (limits by /proc polling). */
  cgroups?: boolean;
  /** Limits every session starts from (e.g. the worker's share of CPUs and memory). */
  defaults?: LimitValues;
  logger?: Logger;
  bwrap?: string;
  /** GPUs of the machine (tests pass a captured inventory); default: asked from nvidia-smi when present. */
  gpus?: GpuDevice[];
}

/**
 * The worker as a guard: decides the sandbox once at start, holds the limits enforcer, and starts
 * every session process through `launch` (the core's launcher seam): inside bubblewrap (or
 * Apptainer) and inside the session's cgroup.
 */
export class Guard {
  readonly decision: SandboxDecision;
  readonly limits: LimitsEnforcer;
  readonly python: CandidatePython;
  readonly container: (ContainerSpec & { apptainer: string }) | null;
  readonly gpus: GpuDevice[];
  private readonly exposure: GpuExposure;
  private readonly protect: string[];
  private readonly sessionLimits = new Map<string, LimitValues>();

  constructor(readonly options: GuardOptions) {
    const mode = options.sandbox ?? 'auto';
    if (options.container) {
      const spec = parseContainer(options.container);
      const apptainer = findApptainer();
      if (!apptainer) throw new ContainerSetupError(`--container ${options.container}: apptainer is not installed on this machine`);
      this.container = { ...spec, apptainer };
      this.decision = { mode, protection: 'none', probe: null };
    } else {
      this.container = null;
      this.decision = decideSandbox(mode, () => probeBubblewrap({ bwrap: options.bwrap }));
    }
    if (this.decision.warning) options.logger?.warn(this.decision.warning);
    this.python = resolvePython(options.python);
    this.limits = LimitsEnforcer.create({ cgroups: options.cgroups });
    const all = options.gpus ?? listGpus();
    this.gpus = selectGpus(all, options.cudaVisibleDevices);
    this.exposure = gpuExposure(this.gpus);
    this.protect = [resolve(options.workdir), ...(options.protect ?? []).map((p) => resolve(p))];
  }

  /** What protects the host from candidate code: "bubblewrap", "apptainer:<image>" or "none". */
  get protection(): string {
    if (this.container) return `apptainer:${this.container.image}`;
    return this.decision.protection;
  }

  /** Describe's sandbox block. */
  sandboxInfo(): SandboxInfo {
    const notes = [this.limits.note];
    if (this.decision.warning) notes.unshift(this.decision.warning);
    return { mechanism: this.container ? 'apptainer' : this.decision.protection, mode: this.decision.mode, limits: this.limits.mechanism, note: notes.join('; ') };
  }

  /** Records a session's limits (from OpenSession) before its processes start. */
  openSession(id: string, limits: LimitValues = {}): SessionLimits {
    const merged = { ...this.options.defaults, ...dropEmpty(limits) };
    this.sessionLimits.set(id, merged);
    return this.limits.openSession(id, merged);
  }

  session(id: string): SessionLimits {
    return this.limits.openSession(id, this.sessionLimits.get(id) ?? this.options.defaults ?? {});
  }

  /** Ends everything the session started (daemonized processes included) and removes its groups. */
  async closeSession(id: string): Promise<void> {
    this.sessionLimits.delete(id);
    await this.session(id).close();
  }

  async close(): Promise<void> {
    await this.limits.close();
  }

  /**
   * Starts an exec's guard: moves the stateful process (`pid`, the launcher's child.pid) into the
   * exec's group, watches output volume and disk use, and reports breaches to `onBreach` (which
   * should cancel the exec with that reason).
   */
  async beginExec(params: {
    sessionId: string;
    execId: string;
    limits: LimitValues | undefined;
    pid: number | undefined;
    folders: string[];
    onBreach: (reason: string) => void;
  }): Promise<ExecGuard> {
    const session = this.session(params.sessionId);
    const stateful = params.pid ? await resolveCommandPid(params.pid) : null;
    const exec = await session.beginExec(params.execId, params.limits, stateful);
    exec.onBreach(params.onBreach);
    return new ExecGuard(exec, stateful, params.folders, params.onBreach);
  }

  /** The session binds: data read-only (a shared folder in its place when data/ links to one), work and submission writable. */
  private binds(spec: LaunchSpec): Bind[] {
    const s = spec.session;
    let dataSrc = s.dataDir;
    try {
      if (lstatSync(s.dataDir).isSymbolicLink()) dataSrc = realpathSync(s.dataDir);
    } catch {
      /* made below by the session */
    }
    const extra = new Set([...this.python.readOnlyPaths, ...spec.readOnlyPaths.filter((p) => !p.startsWith('/usr/'))]);
    const binds: Bind[] = [...extra].map((p) => ({ src: p, mode: 'ro' as const, optional: true }));
    binds.push(...this.exposure.binds);
    binds.push({ src: dataSrc, dest: s.dataDir, mode: 'ro' });
    binds.push({ src: s.workDir, mode: 'rw' });
    binds.push({ src: s.submissionDir, mode: 'rw' });
    return binds;
  }

  /**
   * The launcher: wraps the core's spawn in the sandbox and the session's group. `child.pid` is
   * re-pointed at the command inside the sandbox once it runs, so that the core's signals (SIGINT
   * for KeyboardInterrupt) reach it rather than bwrap, which would die and take the session along.
   */
  readonly launch = (spec: LaunchSpec): Launched => {
    const session = this.session(spec.session.id);
    const env: Record<string, string> = { ...spec.env, ...session.env };
    let argv: string[];
    if (this.container) {
      argv = apptainerArgv(
        { apptainer: this.container.apptainer, image: this.container.image, binds: this.binds(spec), gpu: this.gpus.length > 0, cwd: spec.cwd, env: { ...env, HOME: spec.session.workDir } },
        [...spec.argv],
      );
    } else if (this.decision.protection === 'bubblewrap') {
      Object.assign(env, this.exposure.env, { HOME: spec.session.workDir, TMPDIR: '/tmp' });
      argv = bubblewrapArgv(
        {
          bwrap: this.decision.probe!.path!,
          binds: this.binds(spec),
          protect: this.protect,
          chdir: spec.cwd,
          disableUserns: this.decision.probe!.disableUserns,
          procMasks: this.exposure.procMasks,
        },
        [...spec.argv],
      );
    } else {
      argv = [...spec.argv];
    }
    const wrapped = session.wrap(argv);
    const child = spawn(wrapped[0]!, wrapped.slice(1), { cwd: spec.cwd, env, stdio: ['pipe', 'pipe', 'pipe', 'pipe'], detached: true });
    if (child.pid) session.adopt(child.pid);
    if (this.decision.protection === 'bubblewrap' && !this.container && child.pid) repointPid(child, child.pid);
    return { child, protection: this.protection };
  };
}

function dropEmpty(l: LimitValues): LimitValues {
  const out: LimitValues = {};
  for (const [k, v] of Object.entries(l) as [keyof LimitValues, number | string | undefined][]) if (v) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Makes child.pid the sandboxed command's host pid as soon as bwrap has started it. */
function repointPid(child: ReturnType<typeof spawn>, outer: number): void {
  let inner: number | null = null;
  Object.defineProperty(child, 'pid', { get: () => inner ?? outer, configurable: true });
  const started = Date.now();
  const look = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    inner = commandPid(outer, ['bwrap', 'sh']);
    if (inner === null && Date.now() - started < 5_000) setTimeout(look, 2).unref();
  };
  look();
}

/** The launcher's pid may still be bwrap's for a few ms after spawn: wait for the command itself. */
async function resolveCommandPid(pid: number): Promise<number> {
  for (let i = 0; i < 500; i++) {
    const inner = commandPid(pid, ['bwrap', 'sh']);
    if (inner !== null) return inner;
    await new Promise((r) => setTimeout(r, 5));
  }
  return pid;
}

/** One exec's limits as the exec loop uses them. */
export class ExecGuard {
  private readonly output: OutputBudget;
  private readonly disk: DiskWatch | null;
  private killTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly limits: ExecLimits,
    private readonly statefulPid: number | null,
    folders: string[],
    onBreach: (reason: string) => void,
  ) {
    this.output = new OutputBudget(limits.limits.maxOutputBytes ?? 0);
    const maxDisk = limits.limits.maxDiskBytes ?? 0;
    this.disk = maxDisk > 0 ? new DiskWatch(folders, maxDisk, (reason) => onBreach(reason)).start() : null;
  }

  /** Counts output; returns the reason the first time the output limit is passed. */
  addOutput(bytes: number): string | null {
    return this.output.add(bytes);
  }

  /**
   * A cancel (or timeout) gives the exec `graceMs` to stop on SIGTERM; then everything in its
   * group is killed at once (a fork bomb cannot outrun a group kill), the stateful process aside.
   */
  cancel(graceMs: number): void {
    if (this.killTimer) return;
    this.killTimer = setTimeout(() => void this.limits.kill().catch(() => undefined), graceMs);
    this.killTimer.unref();
  }

  /** Ends the exec's accounting: peak memory (0 when unknown) and reasons to report. */
  end(): ExecUsage & { background: number } {
    if (this.killTimer) clearTimeout(this.killTimer);
    this.disk?.stop();
    const usage = this.limits.end();
    const background = this.limits.group ? this.limits.group.pids().filter((p) => p !== this.statefulPid).length : 0;
    const reasons = [...usage.reasons];
    if (background > 0) reasons.push(`${background} background process${background > 1 ? 'es' : ''} still running (they end with the session)`);
    return { ...usage, reasons, background };
  }
}
