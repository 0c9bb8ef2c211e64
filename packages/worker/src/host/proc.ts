import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * The worker's one reading of /proc and one way of signalling processes: the process table,
 * trees from each process's parent pid (/proc/PID/stat), the environment search, memory. The
 * sandbox's own lookups (the command behind bwrap) build on these in sandbox/procs.ts.
 */

/** One line of /proc/<pid>/stat, the fields aira needs. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  comm: string;
  state: string;
  /** Resident memory in bytes. */
  rss: number;
}

const PAGE = 4096;

export function readProc(pid: number): ProcInfo | null {
  const stat = readProcFile(`/proc/${pid}/stat`);
  if (stat === undefined) return null;
  // comm may hold spaces and parentheses: it runs to the last ')'.
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < 0) return null;
  const rest = stat.slice(close + 2).split(' ');
  return {
    pid,
    comm: stat.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: Number(rest[1]),
    pgid: Number(rest[2]),
    rss: Number(rest[21] ?? 0) * PAGE,
  };
}

export function allPids(): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  return names.filter((n) => /^\d+$/.test(n)).map(Number);
}

/** One scan of /proc: every process. */
export function processTable(): ProcInfo[] {
  return allPids()
    .map(readProc)
    .filter((p): p is ProcInfo => p !== null);
}

/** Every descendant of `root` (not root itself), by walking parent links. */
export function descendants(root: number, table: ProcInfo[] = processTable()): ProcInfo[] {
  const children = new Map<number, ProcInfo[]>();
  for (const p of table) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const out: ProcInfo[] = [];
  const stack = [root];
  while (stack.length) {
    for (const c of children.get(stack.pop()!) ?? []) {
      out.push(c);
      stack.push(c.pid);
    }
  }
  return out;
}

/** The pids of descendants(). */
export function descendantsOf(root: number, table?: ProcInfo[]): number[] {
  return descendants(root, table).map((p) => p.pid);
}

/**
 * Processes whose initial environment holds `key=value` (this daemon aside). Candidate code that
 * daemonizes (double fork, setsid) leaves the tree but keeps the environment it inherited, so this
 * finds what a tree walk misses: the last resort when neither cgroups nor a PID namespace hold it.
 */
export function pidsWithEnv(key: string, value: string): number[] {
  const needle = Buffer.from(`${key}=${value}\0`);
  const inner = Buffer.concat([Buffer.from([0]), needle]);
  const out: number[] = [];
  for (const pid of allPids()) {
    if (pid === process.pid) continue;
    let env: Buffer;
    try {
      env = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    if (env.subarray(0, needle.length).equals(needle) || env.indexOf(inner) >= 0) out.push(pid);
  }
  return out;
}

/** Sends a signal to each pid, ignoring those already gone; never to the daemon itself. */
export function signalAll(pids: Iterable<number>, signal: NodeJS.Signals): void {
  for (const pid of pids) {
    if (pid <= 1 || pid === process.pid) continue;
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  if (pgid <= 1 || pgid === process.pid) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // group already empty
  }
}

/** Whether the process exists and has not exited (a zombie waiting for its parent has). */
export function isAlive(pid: number): boolean {
  const info = readProc(pid);
  return info !== null && info.state !== 'Z';
}

export interface MemoryReading {
  rssBytes: number;
  hwmBytes: number;
}

/** VmRSS and VmHWM (peak RSS since start or since the last clearPeak) of one process. */
export function readMemory(pid: number): MemoryReading | undefined {
  const status = readProcFile(`/proc/${pid}/status`);
  if (!status) return undefined;
  return { rssBytes: statusKb(status, 'VmRSS:') * 1024, hwmBytes: statusKb(status, 'VmHWM:') * 1024 };
}

/** Resets a process's VmHWM to its current RSS (writing 5 to clear_refs, Linux >= 4.0). */
export function clearPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not permitted or gone: the peak then covers the process's whole life
  }
}

function statusKb(status: string, key: string): number {
  const at = status.indexOf(key);
  if (at < 0) return 0;
  return parseInt(status.slice(at + key.length), 10) || 0;
}

function readProcFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
