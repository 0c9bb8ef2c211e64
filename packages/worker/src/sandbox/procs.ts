import { readFileSync } from 'node:fs';
import { processTable, readProc, type ProcInfo } from '../host/proc.js';

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
