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

/** Every live descendant of `root` (not root itself), by walking parent links. */
export function descendants(root: number): ProcInfo[] {
  const infos = allPids()
    .map(readProc)
    .filter((p): p is ProcInfo => p !== null);
  const children = new Map<number, ProcInfo[]>();
  for (const p of infos) {
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
 * process and its PID-1 reaper): the first descendant that is not one of `wrappers`.
 */
export function commandPid(root: number, wrappers: readonly string[] = ['bwrap']): number | null {
  let pid = root;
  for (let depth = 0; depth < 8; depth++) {
    const info = readProc(pid);
    if (!info) return null;
    if (!wrappers.includes(info.comm)) return pid;
    const kids = descendants(pid).filter((p) => p.ppid === pid);
    if (kids.length === 0) return null;
    pid = kids[0]!.pid;
  }
  return null;
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
