import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Process-tree helpers over /proc. The kernel here has no /proc/PID/task/TID/children, so trees
 * are built from each process's parent pid in /proc/PID/stat.
 */
export interface ProcEntry {
  pid: number;
  ppid: number;
  pgid: number;
}

export function listProcesses(): ProcEntry[] {
  const out: ProcEntry[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const stat = readProcFile(`/proc/${name}/stat`);
    if (!stat) continue;
    // The command name may contain spaces and parentheses: fields restart after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.push({ pid: Number(name), ppid: Number(fields[1]), pgid: Number(fields[2]) });
  }
  return out;
}

/** Every descendant of root (not root itself), parents before children. */
export function descendantsOf(root: number, table: ProcEntry[] = listProcesses()): number[] {
  const children = new Map<number, number[]>();
  for (const p of table) {
    const list = children.get(p.ppid);
    if (list) list.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/**
 * Processes whose initial environment holds `name=value`. Candidate code that daemonizes
 * (double fork, setsid) leaves the tree but keeps the environment it inherited, so this finds
 * what a tree walk misses.
 */
export function processesWithEnv(name: string, value: string): number[] {
  const needle = Buffer.from(`${name}=${value}\0`);
  const inner = Buffer.concat([Buffer.from([0]), needle]);
  const out: number[] = [];
  for (const p of listProcesses()) {
    if (p.pid === process.pid) continue;
    let env: Buffer;
    try {
      env = readFileSync(`/proc/${p.pid}/environ`);
    } catch {
      continue;
    }
    if (env.subarray(0, needle.length).equals(needle) || env.indexOf(inner) >= 0) out.push(p.pid);
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

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
