import { closeSync, existsSync, mkdirSync, openSync, readSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CgroupLayout,
  type Controller,
  cgroupPids,
  detectCgroupLayout,
  readKeyed,
  readNumber,
  readText,
  removeCgroupTree,
  writableLayout,
  writeCgroupFile,
} from './cgroups.js';
import { descendants, isAlive, pidsWithEnv, processTable, readProc, signalAll } from '../host/proc.js';
import { formatBytes, formatCpuList, parseCpuList } from './share.js';

/** How limits are enforced, as Describe reports it. */
export type LimitsMechanism = 'cgroup-v2' | 'cgroup-v1' | 'rlimit' | 'none';

/** Limits of a session or an exec; 0 or absent means none (or the worker's default). */
export interface LimitValues {
  wallMs?: number;
  memoryBytes?: number;
  maxProcesses?: number;
  cpuset?: string;
  maxOutputBytes?: number;
  maxDiskBytes?: number;
}

/** The wire's Limits (0 or "" meaning none) as LimitValues. */
export function limitValues(l: Partial<Record<keyof LimitValues, number | string>> | undefined): LimitValues {
  const out: LimitValues = {};
  if (!l) return out;
  for (const key of ['wallMs', 'memoryBytes', 'maxProcesses', 'maxOutputBytes', 'maxDiskBytes'] as const) {
    const v = Number(l[key] ?? 0);
    if (v > 0) out[key] = v;
  }
  if (typeof l.cpuset === 'string' && l.cpuset.trim()) out.cpuset = formatCpuList(parseCpuList(l.cpuset));
  return out;
}

/** An exec's limits inside its session's: each figure is the tighter of the two. */
export function tighten(outer: LimitValues, inner: LimitValues | undefined): LimitValues {
  const min = (a?: number, b?: number) => (a && b ? Math.min(a, b) : a || b || undefined);
  let cpuset = outer.cpuset || undefined;
  if (inner?.cpuset) {
    const wanted = parseCpuList(inner.cpuset);
    if (cpuset) {
      const allowed = new Set(parseCpuList(cpuset));
      const outside = wanted.filter((c) => !allowed.has(c));
      if (outside.length)
        throw new Error(
          `cpuset ${inner.cpuset} asks for CPUs ${formatCpuList(outside)} outside the session's ${cpuset}`,
        );
    }
    cpuset = formatCpuList(wanted);
  }
  return {
    wallMs: min(outer.wallMs, inner?.wallMs),
    memoryBytes: min(outer.memoryBytes, inner?.memoryBytes),
    maxProcesses: min(outer.maxProcesses, inner?.maxProcesses),
    cpuset,
    maxOutputBytes: min(outer.maxOutputBytes, inner?.maxOutputBytes),
    maxDiskBytes: min(outer.maxDiskBytes, inner?.maxDiskBytes),
  };
}

export interface LimitsProbe {
  mechanism: LimitsMechanism;
  layout: CgroupLayout | null;
  /** Controllers aira can set here. */
  controllers: Controller[];
  /** How a whole group is ended: cgroup.kill (v2, also in hybrid mode), the v1 freezer, or signals. */
  killer: 'cgroup.kill' | 'freezer' | 'signals';
  /** One line for Describe and the start-up log. */
  note: string;
  /**
   * Every writable hierarchy, those of controllers aira does not use here too: groups that dead
   * workers left are swept from all of them (an older worker may have used more).
   */
  hierarchies: string[];
}

/**
 * Finds what this machine offers: a writable cgroup v2 tree with memory and pids, or v1
 * hierarchies (hybrid machines: controllers on v1 and cgroup.kill on the unified tree).
 * Without either, limits fall back to rlimits and /proc polling.
 */
export function probeLimits(options: { cgroups?: boolean } = {}): LimitsProbe {
  const rlimit: LimitsProbe = {
    mechanism: 'rlimit',
    layout: null,
    controllers: [],
    killer: 'signals',
    note: 'no writable cgroups: memory and process limits are polled from /proc and enforced by killing; no CPU set',
    hierarchies: [],
  };
  if (options.cgroups === false)
    return { ...rlimit, note: `cgroups disabled; ${rlimit.note.slice(rlimit.note.indexOf(':') + 2)}` };
  const detected = detectCgroupLayout();
  if (!detected) return rlimit;
  const writable = writableLayout(detected);
  const hasKill = writable.unified !== null && existsSync(join(writable.unified, 'cgroup.kill'));
  const killer = hasKill ? 'cgroup.kill' : writable.controllers.freezer ? 'freezer' : 'signals';
  const layout = onlyUsed(writable, killer);
  const controllers = Object.keys(layout.controllers) as Controller[];
  const hierarchies = [
    ...new Set([...Object.values(writable.controllers), ...(writable.unified ? [writable.unified] : [])]),
  ];
  if (!controllers.includes('memory') && !controllers.includes('pids')) {
    if (!layout.unified) return rlimit;
    return {
      ...rlimit,
      layout,
      killer,
      hierarchies,
      note: `cgroup v2 without memory/pids controllers (used to find and kill processes); ${rlimit.note.slice(rlimit.note.indexOf(':') + 2)}`,
    };
  }
  const mechanism: LimitsMechanism = layout.version === 'v2' ? 'cgroup-v2' : 'cgroup-v1';
  const hybrid =
    layout.version === 'v1' && layout.unified ? ' (hybrid: kill through the unified v2 tree)' : '';
  return {
    mechanism,
    layout,
    controllers,
    killer,
    note: `${mechanism} controllers ${controllers.join(',')}${hybrid}`,
    hierarchies,
  };
}

/**
 * The layout without the controllers aira would not use here: the freezer where cgroup.kill ends
 * groups, `cpu` where a cpuset controller pins (`cpu` only caps CPU time when none does). On v1
 * each controller is a hierarchy of its own, so each is one more folder to make and remove for
 * every session and exec (~0.3 ms of the daemon's time each; docs/dispatch.md).
 */
function onlyUsed(layout: CgroupLayout, killer: LimitsProbe['killer']): CgroupLayout {
  const controllers = { ...layout.controllers };
  if (killer !== 'freezer') delete controllers.freezer;
  if (controllers.cpuset) delete controllers.cpu;
  return { ...layout, controllers };
}

/** Counters read from a group, to turn into reasons. */
export interface GroupCounters {
  oomKills: number;
  processLimitHits: number;
  peakMemoryBytes: number;
}

/** What an exec used and why it was stopped, if a limit stopped it. */
export interface ExecUsage {
  peakMemoryBytes: number;
  oomKills: number;
  processLimitHits: number;
  /** Clear reasons, e.g. "memory limit 512 MiB exceeded", "process limit 64 reached". */
  reasons: string[];
}

/** The core tags every session process with this variable (session/session.ts). */
const SESSION_MARK = 'AIRA_SESSION_ID';

/**
 * One group in every hierarchy aira uses: the controller folders (v1: one per controller; v2:
 * one) and the unified folder used to kill. Child names are the same in every hierarchy.
 */
class CgroupNode {
  /** v2: memory.peak opened once and reset through this descriptor (a reset counts for its own descriptor). */
  private peakFd: number | null = null;

  constructor(
    readonly probe: LimitsProbe,
    readonly dirs: Partial<Record<Controller, string>>,
    readonly unified: string | null,
  ) {}

  static root(probe: LimitsProbe, name: string, limits: LimitValues): CgroupNode {
    const layout = probe.layout!;
    const node = new CgroupNode(probe, layout.controllers, layout.unified);
    if (probe.layout?.version === 'v2') enableSubtree(layout.unified!, probe.controllers);
    return node.child(name, limits);
  }

  /** Every distinct folder of this group. */
  folders(): string[] {
    return [...new Set([...Object.values(this.dirs), ...(this.unified ? [this.unified] : [])])];
  }

  child(name: string, limits: LimitValues, options: { leaf?: boolean } = {}): CgroupNode {
    const dirs: Partial<Record<Controller, string>> = {};
    for (const [c, d] of Object.entries(this.dirs) as [Controller, string][]) dirs[c] = join(d, name);
    const node = new CgroupNode(this.probe, dirs, this.unified ? join(this.unified, name) : null);
    for (const f of node.folders()) mkdirSync(f, { recursive: true });
    if (this.probe.layout?.version === 'v1' && node.dirs.cpuset) {
      // v1 cpusets start empty: a task cannot join until cpus and mems are set.
      const parent = this.dirs.cpuset!;
      writeCgroupFile(
        join(node.dirs.cpuset, 'cpuset.mems'),
        (readText(join(parent, 'cpuset.mems')) ?? '').trim() || '0',
      );
      writeCgroupFile(
        join(node.dirs.cpuset, 'cpuset.cpus'),
        (readText(join(parent, 'cpuset.cpus')) ?? '').trim() || '0',
      );
    }
    if (this.probe.layout?.version === 'v2' && !options.leaf && node.unified)
      enableSubtree(node.unified, this.probe.controllers);
    node.apply(limits);
    return node;
  }

  apply(limits: LimitValues): void {
    const v2 = this.probe.layout?.version === 'v2';
    const mem = this.dirs.memory;
    if (mem && limits.memoryBytes) {
      if (v2) {
        writeCgroupFile(join(mem, 'memory.max'), String(limits.memoryBytes));
        // Swap would let a hog outlive its limit at a crawl.
        if (existsSync(join(mem, 'memory.swap.max'))) writeCgroupFile(join(mem, 'memory.swap.max'), '0');
      } else {
        writeCgroupFile(join(mem, 'memory.limit_in_bytes'), String(limits.memoryBytes));
        if (existsSync(join(mem, 'memory.memsw.limit_in_bytes'))) {
          try {
            writeCgroupFile(join(mem, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes));
          } catch {
            /* swap accounting off: nothing to add */
          }
        }
      }
    }
    if (this.dirs.pids && limits.maxProcesses)
      writeCgroupFile(join(this.dirs.pids, 'pids.max'), String(limits.maxProcesses));
    if (limits.cpuset) {
      const list = formatCpuList(parseCpuList(limits.cpuset));
      if (this.dirs.cpuset) {
        writeCgroupFile(join(this.dirs.cpuset, 'cpuset.cpus'), list);
      } else if (this.dirs.cpu) {
        // No cpuset controller: cap CPU time at the set's size instead of pinning.
        const n = parseCpuList(list).length;
        if (v2) writeCgroupFile(join(this.dirs.cpu, 'cpu.max'), `${n * 100_000} 100000`);
        else {
          writeCgroupFile(join(this.dirs.cpu, 'cpu.cfs_period_us'), '100000');
          writeCgroupFile(join(this.dirs.cpu, 'cpu.cfs_quota_us'), String(n * 100_000));
        }
      }
    }
  }

  /** The cgroup.procs files a new process writes its pid into (see enterArgv). */
  procsFiles(): string[] {
    return this.folders().map((f) => join(f, 'cgroup.procs'));
  }

  move(pid: number): void {
    for (const f of this.procsFiles()) writeCgroupFile(f, String(pid));
  }

  pids(): number[] {
    // A process is in this group in every hierarchy (joining writes them all, children inherit
    // them), so one hierarchy names them all.
    const dir = this.dirs.pids ?? this.unified ?? this.folders()[0];
    return dir ? cgroupPids(dir) : [];
  }

  counters(): GroupCounters {
    const v2 = this.probe.layout?.version === 'v2';
    const mem = this.dirs.memory;
    const pids = this.dirs.pids;
    let oomKills = 0;
    let peak = 0;
    if (mem) {
      oomKills = v2
        ? (readKeyed(join(mem, 'memory.events')).oom_kill ?? 0)
        : (readKeyed(join(mem, 'memory.oom_control')).oom_kill ?? 0);
      peak =
        (this.peakFd !== null
          ? readFd(this.peakFd)
          : v2
            ? readNumber(join(mem, 'memory.peak'))
            : readNumber(join(mem, 'memory.max_usage_in_bytes'))) ?? 0;
    }
    const processLimitHits = pids ? (readKeyed(join(pids, 'pids.events')).max ?? 0) : 0;
    return { oomKills, processLimitHits, peakMemoryBytes: peak };
  }

  /**
   * Starts the memory peak afresh for the group's next exec: v1 takes a 0 written to
   * memory.max_usage_in_bytes; v2 (Linux 6.12+) any text written to memory.peak, counted from then
   * for reads through the same descriptor. False where the kernel cannot (the group is then not reused).
   */
  resetPeak(): boolean {
    const mem = this.dirs.memory;
    if (!mem) return true;
    try {
      if (this.probe.layout?.version !== 'v2') {
        writeCgroupFile(join(mem, 'memory.max_usage_in_bytes'), '0');
        return true;
      }
      this.peakFd ??= openSync(join(mem, 'memory.peak'), 'r+');
      writeSync(this.peakFd, 'reset\n');
      return true;
    } catch {
      this.closePeak();
      return false;
    }
  }

  private closePeak(): void {
    if (this.peakFd !== null) closeSync(this.peakFd);
    this.peakFd = null;
  }

  /** Kills every process in the group and its children; resolves when none is left. */
  async kill(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const pids = this.pids();
      if (pids.length === 0) return;
      if (
        this.probe.killer === 'cgroup.kill' &&
        this.unified &&
        existsSync(join(this.unified, 'cgroup.kill'))
      ) {
        try {
          writeCgroupFile(join(this.unified, 'cgroup.kill'), '1');
        } catch {
          signalAll(pids, 'SIGKILL');
        }
      } else if (this.probe.killer === 'freezer' && this.dirs.freezer) {
        // Frozen tasks cannot fork while we kill them, so a fork bomb cannot outrun the loop.
        const state = join(this.dirs.freezer, 'freezer.state');
        try {
          writeCgroupFile(state, 'FROZEN');
          for (let i = 0; i < 20 && (readText(state) ?? '').trim() !== 'FROZEN'; i++) await sleep(5);
          signalAll(this.pids(), 'SIGKILL');
        } finally {
          try {
            writeCgroupFile(state, 'THAWED');
          } catch {
            /* group already gone */
          }
        }
      } else {
        signalAll(pids, 'SIGKILL');
      }
      await sleep(attempt < 10 ? 10 : 50);
    }
    const left = this.pids();
    if (left.length)
      throw new Error(`processes ${left.slice(0, 5).join(',')} survived killing ${this.folders()[0]}`);
  }

  async remove(): Promise<boolean> {
    this.closePeak();
    let ok = true;
    for (const f of this.folders()) ok = (await removeCgroupTree(f)) && ok;
    return ok;
  }
}

/** A number read from the start of an open cgroup file (null when unreadable or "max"). */
function readFd(fd: number): number | null {
  try {
    const buf = Buffer.alloc(32);
    const text = buf
      .subarray(0, readSync(fd, buf, 0, buf.length, 0))
      .toString()
      .trim();
    const n = Number(text);
    return text && text !== 'max' && Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

function enableSubtree(dir: string, controllers: Controller[]): void {
  const want = controllers.filter((c) => c !== 'freezer');
  const file = join(dir, 'cgroup.subtree_control');
  const have = new Set((readText(file) ?? '').trim().split(/\s+/));
  const missing = want.filter((c) => !have.has(c));
  if (missing.length === 0) return;
  try {
    writeCgroupFile(file, missing.map((c) => `+${c}`).join(' '));
  } catch (err) {
    // v2's "no internal processes" rule: move this folder's processes to a leaf, then retry.
    const leaf = join(dir, 'aira-leaf');
    mkdirSync(leaf, { recursive: true });
    for (const line of (readText(join(dir, 'cgroup.procs')) ?? '').split('\n')) {
      if (!line.trim()) continue;
      try {
        writeCgroupFile(join(leaf, 'cgroup.procs'), line.trim());
      } catch {
        /* exited meanwhile, or a kernel thread */
      }
    }
    try {
      writeCgroupFile(file, missing.map((c) => `+${c}`).join(' '));
    } catch {
      throw err;
    }
  }
}

/**
 * Waits until a process started through enterArgv has joined its groups and exec'd its command
 * (moving it before then would be undone by the prologue's own write).
 */
async function entered(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const cmdline = readText(`/proc/${pid}/cmdline`);
    if (cmdline === null || !cmdline.split('\0').includes('aira-enter')) return;
    await sleep(5);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * argv that starts `argv` inside groups: a /bin/sh prologue writes its own pid into each
 * cgroup.procs file and then execs, so the process and all it forks are inside before any of the
 * command's code runs (Node cannot do anything between fork and exec). Core dumps are turned off
 * (they fill disks); ulimits named in `ulimits` are set (RLIMIT_AS is never one: it breaks CUDA).
 */
export function enterArgv(procsFiles: string[], argv: string[], ulimits: string[] = []): string[] {
  const script = `ulimit -c 0 ${ulimits.map((u) => `; ulimit ${u}`).join('')}; while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"`;
  return ['/bin/sh', '-c', script, 'aira-enter', ...procsFiles, '--', ...argv];
}

export interface LimitsEnforcerOptions {
  /** Added to the group's name `aira-<pid>[-tag]` (the pid lets a later worker sweep stale groups). */
  tag?: string;
  probe?: LimitsProbe;
  /** Poll interval of the /proc watchdog used without cgroups. */
  pollMs?: number;
  /** Limits of the worker as a whole (its share of the node: CPU set, memory), shared by its sessions. */
  workerLimits?: LimitValues;
}

/**
 * The worker's limits: a group per session (`s-<id>`, holding `main` for the stateful processes)
 * and a group per exec (`e-<id>`). An exec runs with the session's stateful process inside its
 * group, so everything the command forks lands there and the exec's memory peak and limits are
 * its own. The process stays in that group after the exec (moving a process costs milliseconds:
 * docs/dispatch.md); the next exec with the same limits reuses the group when nothing else is
 * left in it, with its peak and counters started afresh, else gets a group of its own.
 */
export class LimitsEnforcer {
  readonly mechanism: LimitsMechanism;
  readonly note: string;
  private readonly root: CgroupNode | null;
  private readonly sessions = new Map<string, SessionLimits>();

  constructor(
    readonly probe: LimitsProbe,
    readonly options: LimitsEnforcerOptions = {},
  ) {
    this.mechanism = probe.mechanism;
    this.note = probe.note;
    this.root = probe.layout
      ? CgroupNode.root(
          probe,
          `aira-${process.pid}${options.tag ? `-${options.tag}` : ''}`,
          options.workerLimits ?? {},
        )
      : null;
  }

  static create(options: LimitsEnforcerOptions & { cgroups?: boolean } = {}): LimitsEnforcer {
    const probe = options.probe ?? probeLimits({ cgroups: options.cgroups });
    const enforcer = new LimitsEnforcer(probe, options);
    void enforcer.sweepStale();
    return enforcer;
  }

  /**
   * Removes groups left by workers that died (killed with SIGKILL, no cleanup): what still runs
   * in them is killed first. Each hierarchy is swept on its own (on v1 they may sit under
   * different parents).
   */
  async sweepStale(): Promise<number> {
    let swept = 0;
    for (const parent of this.probe.hierarchies) {
      let names: string[] = [];
      try {
        names = readdirSync(parent).filter((n) => /^aira-\d+(-[\w.-]+)?$/.test(n));
      } catch {
        continue;
      }
      for (const name of names) {
        const pid = Number(/^aira-(\d+)/.exec(name)![1]);
        if (pid === process.pid || isAlive(pid)) continue;
        const dir = join(parent, name);
        for (let i = 0; i < 20 && cgroupPids(dir).length > 0; i++) {
          if (existsSync(join(dir, 'cgroup.kill'))) {
            try {
              writeCgroupFile(join(dir, 'cgroup.kill'), '1');
            } catch {
              signalAll(cgroupPids(dir), 'SIGKILL');
            }
          } else signalAll(cgroupPids(dir), 'SIGKILL');
          await sleep(20);
        }
        if (await removeCgroupTree(dir)) swept++;
      }
    }
    return swept;
  }

  openSession(sessionId: string, limits: LimitValues = {}): SessionLimits {
    const existing = this.sessions.get(sessionId);
    if (existing) return existing;
    const s = new SessionLimits(
      this,
      sessionId,
      limits,
      this.root ? this.root.child(`s-${sessionId}`, limits) : null,
    );
    this.sessions.set(sessionId, s);
    return s;
  }

  /** @internal */
  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.close()));
    if (this.root) {
      await this.root.kill().catch(() => undefined);
      await this.root.remove();
    }
  }
}

export class SessionLimits {
  private readonly main: CgroupNode | null;
  private readonly roots = new Set<number>();
  private readonly execs = new Map<string, ExecLimits>();
  /** The group each stateful process was left in by its last exec, and that exec's limits. */
  private readonly parked = new Map<number, { group: CgroupNode; limits: string }>();
  private closed = false;

  constructor(
    readonly enforcer: LimitsEnforcer,
    readonly sessionId: string,
    readonly limits: LimitValues,
    readonly group: CgroupNode | null,
  ) {
    this.main = group ? group.child('main', {}, { leaf: true }) : null;
  }

  /** Environment every process of the session carries: the last-resort way to find them all. */
  get env(): Record<string, string> {
    return { [SESSION_MARK]: this.sessionId };
  }

  /**
   * Wraps a command so it starts inside the session's group. Without cgroups the process limit
   * becomes RLIMIT_NPROC (which root ignores; the watchdog covers that case).
   */
  wrap(argv: string[]): string[] {
    if (this.main) return enterArgv(this.main.procsFiles(), argv);
    const ulimits = this.limits.maxProcesses ? [`-u ${this.limits.maxProcesses}`] : [];
    return enterArgv([], argv, ulimits);
  }

  /** Records the pid of a process spawned with wrap(), so fallbacks can find its descendants. */
  adopt(pid: number): void {
    this.roots.add(pid);
  }

  /** Starts an exec's accounting; `statefulPid` is the host pid of the bash or Python process. */
  async beginExec(
    execId: string,
    limits: LimitValues | undefined,
    statefulPid: number | null,
  ): Promise<ExecLimits> {
    const effective = tighten(this.limits, limits);
    const parked = statefulPid ? this.parked.get(statefulPid) : undefined;
    if (statefulPid) this.parked.delete(statefulPid);
    const sessionBaseline = this.group?.counters() ?? null;
    let exec: ExecLimits;
    if (parked && this.reusable(parked, effective, statefulPid!)) {
      exec = new ExecLimits(this, execId, effective, parked.group, statefulPid, sessionBaseline, {
        groupBaseline: parked.group.counters(),
      });
    } else {
      if (statefulPid) await entered(statefulPid);
      const group = this.group ? this.group.child(`e-${execId}`, effective, { leaf: true }) : null;
      exec = new ExecLimits(this, execId, effective, group, statefulPid, sessionBaseline, { move: true });
      // The group it leaves holds what an earlier exec left running, or nothing: then it goes.
      if (parked && parked.group.pids().length === 0) void parked.group.remove();
    }
    this.execs.set(execId, exec);
    return exec;
  }

  /**
   * Moves a stateful process that has just started into a group of its own with the session's
   * limits and parks it there, as an exec without limits of its own would leave it: the session's
   * first such exec then makes no group and moves nothing (docs/dispatch.md).
   */
  async settle(statefulPid: number): Promise<void> {
    if (!this.group || this.closed || this.parked.has(statefulPid)) return;
    await entered(statefulPid);
    if (this.closed || !isAlive(statefulPid)) return;
    const limits = tighten(this.limits, undefined);
    const group = this.group.child(`p-${statefulPid}`, limits, { leaf: true });
    try {
      group.move(statefulPid);
    } catch {
      void group.remove(); // exited meanwhile
      return;
    }
    this.park(statefulPid, group, limits);
  }

  /** A parked group serves the next exec when its limits are the same and the process is alone in it. */
  private reusable(parked: { group: CgroupNode; limits: string }, limits: LimitValues, pid: number): boolean {
    if (parked.limits !== groupLimitsKey(limits)) return false;
    const members = parked.group.pids();
    return members.length === 1 && members[0] === pid && parked.group.resetPeak();
  }

  /** @internal The stateful process stays in its exec's group after the exec (see LimitsEnforcer). */
  park(pid: number, group: CgroupNode, limits: LimitValues): void {
    if (isAlive(pid)) this.parked.set(pid, { group, limits: groupLimitsKey(limits) });
  }

  /** @internal */
  moveToMain(pid: number): void {
    if (this.main && isAlive(pid)) {
      try {
        this.main.move(pid);
      } catch {
        /* exited meanwhile */
      }
    }
  }

  /**
   * Every process of the session that aira can find. With a group that is the group: whatever a
   * member forks is born in it and, without capabilities, cannot leave it (daemonized processes
   * included), so no /proc walk is needed. Without one: the launched processes' trees and, as
   * the last resort, every process carrying the session's mark in its environment.
   */
  pids(): number[] {
    if (this.group) return this.group.pids();
    const set = new Set<number>();
    const table = processTable();
    for (const r of this.roots) {
      if (isAlive(r)) set.add(r);
      for (const d of descendants(r, table)) set.add(d.pid);
    }
    for (const p of pidsWithEnv(SESSION_MARK, this.sessionId)) set.add(p);
    return [...set];
  }

  /** Ends everything the session started, daemonized processes included. */
  async kill(): Promise<void> {
    for (const e of this.execs.values()) e.stopWatching();
    if (this.group) return this.group.kill();
    for (let i = 0; i < 50; i++) {
      const left = this.pids();
      if (left.length === 0) return;
      signalAll(left, 'SIGKILL');
      await sleep(20);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.kill();
    for (const { group } of this.parked.values()) await group.remove();
    this.parked.clear();
    await this.group?.remove();
    this.enforcer.forget(this.sessionId);
  }

  /** @internal */
  endExec(execId: string): void {
    const e = this.execs.get(execId);
    this.execs.delete(execId);
    // The group can go once empty; a parked process or background ones keep it (at the latest
    // until the session closes).
    if (e?.group && e.group.pids().length === 0) void e.group.remove();
  }
}

/** The limits a group enforces itself (wall time, output and disk are watched by the worker). */
function groupLimitsKey(l: LimitValues): string {
  return `${l.memoryBytes ?? 0}/${l.maxProcesses ?? 0}/${l.cpuset ?? ''}`;
}

export class ExecLimits {
  private watchdog: NodeJS.Timeout | null = null;
  private breach: string | null = null;
  private peakPolled = 0;
  private ended: ExecUsage | null = null;
  private readonly breachListeners: ((reason: string) => void)[] = [];

  constructor(
    readonly session: SessionLimits,
    readonly execId: string,
    readonly limits: LimitValues,
    readonly group: CgroupNode | null,
    readonly statefulPid: number | null,
    private readonly sessionBaseline: GroupCounters | null,
    /** `move`: a new group the stateful process joins now; `groupBaseline`: a reused group's counters so far. */
    private readonly options: { move?: boolean; groupBaseline?: GroupCounters } = {},
  ) {
    if (options.move && group && statefulPid && isAlive(statefulPid)) group.move(statefulPid);
    if (!group || !group.dirs.memory || !group.dirs.pids) this.startWatchdog();
  }

  /** Called when a polled limit is breached (only without cgroup controllers); the exec is already being killed. */
  onBreach(listener: (reason: string) => void): void {
    this.breachListeners.push(listener);
  }

  private members(): number[] {
    if (this.group) return this.group.pids();
    if (!this.statefulPid) return [];
    return [this.statefulPid, ...descendants(this.statefulPid).map((d) => d.pid)].filter(isAlive);
  }

  /** Without cgroups, memory and process count are polled from /proc; a breach kills the exec. */
  private startWatchdog(): void {
    const { memoryBytes, maxProcesses } = this.limits;
    const needMemory = memoryBytes && !this.group?.dirs.memory;
    const needPids = maxProcesses && !this.group?.dirs.pids;
    if (!needMemory && !needPids) return;
    const poll = () => {
      const pids = this.members();
      const rss = pids.reduce((sum, p) => sum + (readProc(p)?.rss ?? 0), 0);
      this.peakPolled = Math.max(this.peakPolled, rss);
      let reason: string | null = null;
      if (needMemory && rss > memoryBytes) reason = `memory limit ${formatBytes(memoryBytes)} exceeded`;
      else if (needPids && pids.length > maxProcesses) reason = `process limit ${maxProcesses} reached`;
      if (reason && !this.breach) {
        this.breach = reason;
        this.stopWatching();
        // As the OOM killer would, spare the stateful process unless it is itself the hog.
        const own = this.statefulPid ? (readProc(this.statefulPid)?.rss ?? 0) : 0;
        void this.kill({ includeStateful: Boolean(needMemory && own > memoryBytes) });
        for (const l of this.breachListeners) l(reason);
      }
    };
    this.watchdog = setInterval(poll, this.session.enforcer.options.pollMs ?? 200);
    this.watchdog.unref();
  }

  stopWatching(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }

  /**
   * Kills what the exec started. The stateful process is moved out first and survives unless
   * `includeStateful` (it may be the culprit, as when Python code itself hogs memory).
   */
  async kill(options: { includeStateful?: boolean } = {}): Promise<void> {
    if (this.statefulPid && !options.includeStateful) this.session.moveToMain(this.statefulPid);
    if (this.group) {
      await this.group.kill();
      return;
    }
    for (let i = 0; i < 50; i++) {
      const pids = this.members().filter((p) => options.includeStateful || p !== this.statefulPid);
      if (pids.length === 0) return;
      signalAll(pids, 'SIGKILL');
      await sleep(20);
    }
  }

  usage(): ExecUsage {
    if (this.ended) return this.ended;
    const now = this.group?.counters() ?? { oomKills: 0, processLimitHits: 0, peakMemoryBytes: 0 };
    const before = this.options.groupBaseline;
    const mine = before
      ? {
          ...now,
          oomKills: now.oomKills - before.oomKills,
          processLimitHits: now.processLimitHits - before.processLimitHits,
        }
      : now;
    const sessionNow = this.session.group?.counters();
    // Session-level events during this exec count too (the session's limit may be the tighter).
    const sessionOom =
      sessionNow && this.sessionBaseline ? sessionNow.oomKills - this.sessionBaseline.oomKills : 0;
    const sessionPids =
      sessionNow && this.sessionBaseline
        ? sessionNow.processLimitHits - this.sessionBaseline.processLimitHits
        : 0;
    const oomKills = Math.max(mine.oomKills, sessionOom);
    const processLimitHits = Math.max(mine.processLimitHits, sessionPids);
    const reasons: string[] = [];
    if (oomKills > 0) {
      // The kernel counts a kill where the victim was, not at the limit that was hit: name the
      // tightest limit in force (the exec's or session's, or the worker's share of the node).
      const own = this.limits.memoryBytes;
      const worker = this.session.enforcer.options.workerLimits?.memoryBytes;
      if (own && (!worker || own <= worker)) reasons.push(`memory limit ${formatBytes(own)} exceeded`);
      else if (worker) reasons.push(`memory limit ${formatBytes(worker)} of the worker exceeded`);
      else reasons.push('out of memory: killed by the kernel');
    }
    if (processLimitHits > 0 && this.limits.maxProcesses)
      reasons.push(`process limit ${this.limits.maxProcesses} reached`);
    if (this.breach && !reasons.includes(this.breach)) reasons.push(this.breach);
    return {
      peakMemoryBytes: Math.max(mine.peakMemoryBytes, this.peakPolled),
      oomKills,
      processLimitHits,
      reasons,
    };
  }

  /** Ends accounting; the stateful process stays in the group for the next exec (see LimitsEnforcer). */
  end(): ExecUsage {
    if (this.ended) return this.ended;
    this.stopWatching();
    if (this.statefulPid && this.group) this.session.park(this.statefulPid, this.group, this.limits);
    const usage = this.usage();
    this.ended = usage;
    this.session.endExec(this.execId);
    return usage;
  }
}
