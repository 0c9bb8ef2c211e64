import { readFileSync, readdirSync } from 'node:fs';

/** One line of /proc/<pid>/stat, the fields aira needs. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
  state: string;
  /** Resident memory in bytes. */
  rss: number;
}

const PAGE = 4096;

export function readProc(pid: number): ProcInfo | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
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
    rss: Number(rest[21] ?? 0) * PAGE,
  };
}

export function allPids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/** One scan of /proc: every process. */
export function processTable(): ProcInfo[] {
  return allPids()
    .map(readProc)
    .filter((p): p is ProcInfo => p !== null);
}

/** Every live descendant of `root` (not root itself), by walking parent links. */
export function descendants(root: number, table: ProcInfo[] = processTable()): ProcInfo[] {
  const children = new Map<number, ProcInfo[]>();
  for (const p of table) {
    const list = children.get(p.ppid) ?? [];
    list.push(p);
    children.set(p.ppid, list);
  }
  const out: ProcInfo[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    for (const c of children.get(pid) ?? []) {
      out.push(c);
      stack.push(c.pid);
    }
  }
  return out;
}

/**
 * The process that runs the session's command when `root` is a chain of wrappers (bwrap's outer
 * process and its PID-1 reaper): the first descendant that is not one of `wrappers`. Null while
 * the chain is still starting. At most one scan of /proc, and none when root is the command.
 */
export function commandPid(root: number, wrappers: readonly string[] = ['bwrap']): number | null {
  let info = readProc(root);
  let table: ProcInfo[] | undefined;
  for (let depth = 0; depth < 8; depth++) {
    if (!info) return null;
    if (!wrappers.includes(info.comm)) return info.pid;
    const parent = info.pid;
    const kids = childPids(parent);
    if (kids) info = kids.length ? readProc(kids[0]!) : null;
    else {
      table ??= processTable();
      info = table.find((p) => p.ppid === parent) ?? null;
    }
  }
  return null;
}

/**
 * The children of a single-threaded process from /proc/PID/task/PID/children (one small read);
 * undefined where the kernel lacks that file (CONFIG_PROC_CHILDREN) or the process is gone.
 */
export function childPids(pid: number): number[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
  } catch {
    return undefined;
  }
  return text
    .split(' ')
    .filter((w) => w.trim())
    .map(Number);
}

/**
 * Waits for commandPid(root) to name the command: polled with a growing interval (1 ms, doubling
 * to 20 ms), since each look scans /proc and a sandbox takes from a few ms to (on a loaded
 * machine) a few hundred to start. Resolves with root itself when the chain ends or `timeoutMs`
 * passes.
 */
export function waitForCommandPid(
  root: number,
  wrappers: readonly string[],
  ended: () => boolean,
  timeoutMs = 5_000,
): Promise<number> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    let delay = 1;
    const look = () => {
      const inner = ended() ? null : commandPid(root, wrappers);
      if (inner !== null) return resolve(inner);
      if (ended() || Date.now() >= until) return resolve(root);
      setTimeout(look, delay).unref();
      delay = Math.min(delay * 2, 20);
    };
    look();
  });
}

/**
 * Processes whose environment holds KEY=VALUE. The last resort for finding what a session
 * started when neither cgroups nor a PID namespace hold it (a daemonized process keeps the
 * environment it inherited).
 */
export function pidsWithEnv(key: string, value: string): number[] {
  const needle = Buffer.from(`${key}=${value}\0`);
  const out: number[] = [];
  for (const pid of allPids()) {
    if (pid === process.pid) continue;
    let env: Buffer;
    try {
      env = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    if (env.indexOf(needle) === 0 || env.indexOf(Buffer.concat([Buffer.from([0]), needle])) >= 0)
      out.push(pid);
  }
  return out;
}

export function isAlive(pid: number): boolean {
  const info = readProc(pid);
  return info !== null && info.state !== 'Z';
}

export function killPids(pids: Iterable<number>, signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}
