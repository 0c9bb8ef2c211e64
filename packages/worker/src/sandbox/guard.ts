import { spawn } from 'node:child_process';
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { ConfigError } from '@aira/core';
import type { SandboxInfo } from '@aira/protocol';
import type { Launched, LaunchSpec } from '../session/launch.js';
import {
  apptainerArgv,
  findApptainer,
  parseContainer,
  ContainerSetupError,
  type ContainerSpec,
} from './apptainer.js';
import {
  bubblewrapArgv,
  decideSandbox,
  probeBubblewrap,
  SandboxUnavailableError,
  type Bind,
  type SandboxDecision,
  type SandboxMode,
} from './bubblewrap.js';
import { listGpus, selectGpus, type GpuDevice } from '../host/gpus.js';
import { gpuExposure, type GpuExposure } from './gpu.js';
import {
  LimitsEnforcer,
  type ExecLimits,
  type ExecUsage,
  type LimitValues,
  type SessionLimits,
} from './limits.js';
import { DiskWatch } from './watch.js';
import { commandPid, waitForCommandPid } from './procs.js';
import { PythonSetupError, resolvePython, type CandidatePython } from './python.js';
import { defaultShare, parseCpuList, type Share } from './share.js';

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
  /** Limits every session starts from (e.g. a process limit). */
  defaults?: LimitValues;
  /** Limits of the worker's sessions together: its share of the node's CPUs and memory. */
  workerLimits?: LimitValues;
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
  /**
   * What the worker should say at start (a sandbox fallback, its share of the node). Kept for the
   * caller to log after the listening line, which must stay the first line of the worker's output.
   */
  readonly notices: { level: 'warn' | 'info'; msg: string; data?: Record<string, unknown> }[] = [];

  constructor(readonly options: GuardOptions) {
    const mode = options.sandbox ?? 'auto';
    if (options.container) {
      const spec = parseContainer(options.container);
      const apptainer = findApptainer();
      if (!apptainer)
        throw new ContainerSetupError(
          `--container ${options.container}: apptainer is not installed on this machine`,
        );
      this.container = { ...spec, apptainer };
      this.decision = { mode, protection: 'none', probe: null };
    } else {
      this.container = null;
      this.decision = decideSandbox(mode, () => probeBubblewrap({ bwrap: options.bwrap }));
    }
    if (this.decision.warning) this.notices.push({ level: 'warn', msg: this.decision.warning });
    this.python = resolvePython(options.python);
    this.limits = LimitsEnforcer.create({ cgroups: options.cgroups, workerLimits: options.workerLimits });
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
    return {
      mechanism: this.container ? 'apptainer' : this.decision.protection,
      mode: this.decision.mode,
      limits: this.limits.mechanism,
      note: notes.join('; '),
    };
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

  /**
   * Leaves a session's just-started stateful process (`pid`, the launcher's child.pid) in a group
   * of its own that the session's next exec takes as its exec group (see SessionLimits.settle).
   */
  async settle(params: { sessionId: string; pid: number }): Promise<void> {
    const stateful = await resolveCommandPid(params.pid);
    if (stateful) await this.session(params.sessionId).settle(stateful);
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
    const extra = new Set([
      ...this.python.readOnlyPaths,
      ...spec.readOnlyPaths.filter((p) => !p.startsWith('/usr/')),
    ]);
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
        {
          apptainer: this.container.apptainer,
          image: this.container.image,
          binds: this.binds(spec),
          gpu: this.gpus.length > 0,
          cwd: spec.cwd,
          env: { ...env, HOME: spec.session.workDir },
        },
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
    const child = spawn(wrapped[0]!, wrapped.slice(1), {
      cwd: spec.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    if (child.pid) session.adopt(child.pid);
    if (this.decision.protection === 'bubblewrap' && !this.container && child.pid)
      repointPid(child, child.pid);
    return { child, protection: this.protection };
  };
}

function dropEmpty(l: LimitValues): LimitValues {
  const out: LimitValues = {};
  for (const [k, v] of Object.entries(l) as [keyof LimitValues, number | string | undefined][])
    if (v) (out as Record<string, unknown>)[k] = v;
  return out;
}

/**
 * The sandboxed command's host pid, per launcher pid, while it is being found: the first exec of
 * a session waits on the same search that re-points child.pid rather than polling /proc itself.
 */
const commandSearches = new Map<number, Promise<number>>();

/** Makes child.pid the sandboxed command's host pid as soon as bwrap has started it. */
function repointPid(child: ReturnType<typeof spawn>, outer: number): void {
  let inner: number | null = null;
  Object.defineProperty(child, 'pid', { get: () => inner ?? outer, configurable: true });
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  const search = waitForCommandPid(outer, ['bwrap', 'sh'], ended).then((pid) => {
    if (pid !== outer) inner = pid;
    commandSearches.delete(outer);
    return pid;
  });
  commandSearches.set(outer, search);
}

/** The launcher's pid may still be bwrap's for a few ms after spawn: wait for the command itself. */
async function resolveCommandPid(pid: number): Promise<number> {
  const search = commandSearches.get(pid);
  if (search) return search;
  return commandPid(pid, ['bwrap', 'sh']) ?? waitForCommandPid(pid, ['bwrap', 'sh'], () => false, 2_500);
}

/** One exec's limits as the exec loop uses them. */
export class ExecGuard {
  private readonly disk: DiskWatch | null;
  private killTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly limits: ExecLimits,
    private readonly statefulPid: number | null,
    folders: string[],
    onBreach: (reason: string) => void,
  ) {
    const maxDisk = limits.limits.maxDiskBytes ?? 0;
    this.disk = maxDisk > 0 ? new DiskWatch(folders, maxDisk, (reason) => onBreach(reason)).start() : null;
  }

  /** The exec's own memory group reports its peak: no sampling of /proc is needed. */
  get measuresMemory(): boolean {
    return Boolean(this.limits.group?.dirs.memory);
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

  /**
   * Ends the exec's accounting: peak memory (0 when unknown) and reasons to report. A cancelled
   * exec's leftovers are killed first (a cancel ends everything the exec started); others'
   * background processes are named and live until the session closes.
   */
  async end(cancelled = false): Promise<ExecUsage & { background: number }> {
    if (this.killTimer) clearTimeout(this.killTimer);
    this.disk?.stop();
    if (cancelled) await this.limits.kill().catch(() => undefined);
    const usage = this.limits.end();
    const background = this.limits.group
      ? this.limits.group.pids().filter((p) => p !== this.statefulPid).length
      : 0;
    const reasons = [...usage.reasons];
    if (background > 0)
      reasons.push(
        `${background} background process${background > 1 ? 'es' : ''} still running (they end with the session)`,
      );
    return { ...usage, reasons, background };
  }
}

/** The worker flags the guard is made from (a subset of WorkerOptions). */
export interface GuardFlags {
  sandbox: SandboxMode;
  container?: string;
  python: string;
  cpus?: string;
  memory?: number;
  maxProcesses: number;
  cgroups: boolean;
  protect: string[];
}

/** CPUs this process may run on (its affinity), from /proc/self/status. */
export function allowedCpus(): number[] {
  try {
    const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return parseCpuList(m[1]!);
  } catch {
    /* not Linux */
  }
  return Array.from({ length: availableParallelism() }, (_, i) => i);
}

/**
 * Makes the worker's guard from its flags: the sandbox decision, and session limits from the
 * flags over the even share a worker gets on a node with several GPUs (its position is its
 * first GPU's position among the node's). Setup problems become one-line ConfigErrors.
 */
export function createWorkerGuard(
  flags: GuardFlags,
  ctx: { workdir: string; tokenFile: string; cudaVisibleDevices?: string; gpus?: GpuDevice[] },
): Guard {
  try {
    const all = ctx.gpus ?? listGpus();
    const mine = selectGpus(all, ctx.cudaVisibleDevices);
    let share: Share | null = null;
    if (all.length >= 2 && mine.length > 0) {
      share = defaultShare({
        gpus: all.length,
        cpus: allowedCpus(),
        memory: totalmem(),
        workerIndex: all.indexOf(mine[0]!),
      });
    }
    const workerLimits: LimitValues = {
      cpuset: flags.cpus ?? share?.cpuset,
      memoryBytes: flags.memory ?? share?.memoryBytes,
    };
    const guard = new Guard({
      sandbox: flags.sandbox,
      container: flags.container,
      python: flags.python,
      workdir: ctx.workdir,
      protect: [ctx.tokenFile, ...flags.protect],
      cudaVisibleDevices: ctx.cudaVisibleDevices,
      cgroups: flags.cgroups,
      defaults: { maxProcesses: flags.maxProcesses || undefined },
      workerLimits,
      gpus: all,
    });
    if (share)
      guard.notices.push({
        level: 'info',
        msg: "sessions limited to the worker's even share of the node",
        data: { cpuset: workerLimits.cpuset, memoryBytes: workerLimits.memoryBytes, gpus: all.length },
      });
    return guard;
  } catch (err) {
    if (
      err instanceof SandboxUnavailableError ||
      err instanceof PythonSetupError ||
      err instanceof ContainerSetupError
    )
      throw new ConfigError(err.message);
    throw err;
  }
}
