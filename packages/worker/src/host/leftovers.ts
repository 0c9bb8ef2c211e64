import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { descendantsOf, pidsWithEnv, processTable, signalAll, signalGroup } from './proc.js';

/**
 * What a daemon killed with SIGKILL leaves behind: its sessions' processes run on (reparented to
 * init), since nothing of the daemon is left to end them. Each session's stateful processes are
 * recorded under `<workdir>/processes/<session>.jsonl` when they start, and the record goes when
 * the session closes; a daemon started on the same workdir ends what its previous life recorded
 * before it serves. Only what this workdir recorded is touched: other daemons on the machine
 * (other workdirs) are never seen here. With cgroups, the dead daemon's groups are swept too
 * (sandbox/limits.ts).
 */
export interface ProcessRecord {
  pid: number;
  /** Process group the process leads (it is started detached). */
  pgid: number;
  /** /proc/PID/stat starttime (clock ticks since boot): tells the process from a later one with its pid. */
  start: number;
  /** The session's work folder: processes tagged with it in their environment belong to the session. */
  workDir: string;
}

const FOLDER = 'processes';

export class ProcessRecords {
  private readonly dir: string;

  constructor(workdir: string) {
    this.dir = join(workdir, FOLDER);
  }

  /** Notes a session process that has just started. */
  record(sessionId: string, pid: number, workDir: string): void {
    const start = startTime(pid);
    if (start === undefined) return;
    mkdirSync(this.dir, { recursive: true });
    const rec: ProcessRecord = { pid, pgid: pid, start, workDir };
    appendFileSync(join(this.dir, `${sessionId}.jsonl`), `${JSON.stringify(rec)}\n`);
  }

  /** The session ended its processes itself. */
  forget(sessionId: string): void {
    rmSync(join(this.dir, `${sessionId}.jsonl`), { force: true });
  }

  /**
   * Ends every process a previous daemon on this workdir recorded and left running: the recorded
   * process (if it is still the same one), its descendants and group, and whatever carries the
   * session's tags in its environment (daemonized children). Returns how many were signalled.
   */
  endLeftovers(): { sessions: string[]; killed: number } {
    let files: string[];
    try {
      files = readdirSync(this.dir).filter((f) => f.endsWith('.jsonl'));
    } catch {
      return { sessions: [], killed: 0 };
    }
    const victims = new Set<number>();
    const sessions: string[] = [];
    const table = processTable();
    for (const file of files) {
      const sessionId = file.slice(0, -'.jsonl'.length);
      sessions.push(sessionId);
      let tagged: number[] | undefined;
      for (const rec of readRecords(join(this.dir, file))) {
        const leader = startTime(rec.pid);
        if (leader === rec.start) {
          victims.add(rec.pid);
          for (const d of descendantsOf(rec.pid, table)) victims.add(d);
        }
        // The leader may be gone while its group lives on (the kernel does not reuse a pid that
        // is still a group's id). A live process with the pid but another start time means the
        // group ended and the pid went to someone else: not ours.
        if (leader === undefined || leader === rec.start) {
          for (const p of table)
            if (p.pgid === rec.pgid && (startTime(p.pid) ?? -1) >= rec.start) victims.add(p.pid);
        }
        tagged ??= pidsWithEnv('AIRA_SESSION_ID', sessionId);
        for (const pid of tagged) {
          if (hasEnv(pid, 'AIRA_WORK_DIR', rec.workDir)) victims.add(pid);
        }
      }
    }
    victims.delete(process.pid);
    signalAll(victims, 'SIGKILL');
    for (const pid of victims) signalGroup(pid, 'SIGKILL');
    for (const file of files) rmSync(join(this.dir, file), { force: true });
    return { sessions, killed: victims.size };
  }
}

function readRecords(path: string): ProcessRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const out: ProcessRecord[] = [];
  for (const line of text.split('\n')) {
    try {
      const r = JSON.parse(line) as ProcessRecord;
      if (
        Number.isInteger(r.pid) &&
        r.pid > 1 &&
        Number.isInteger(r.pgid) &&
        r.pgid > 1 &&
        Number.isFinite(r.start) &&
        typeof r.workDir === 'string'
      )
        out.push(r);
    } catch {
      // a torn last line (the daemon died while writing it)
    }
  }
  return out;
}

/** starttime of a process (field 22 of /proc/PID/stat), or undefined when it is gone. */
export function startTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const v = Number(fields[19]);
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function hasEnv(pid: number, name: string, value: string): boolean {
  try {
    const env = readFileSync(`/proc/${pid}/environ`);
    const needle = Buffer.from(`${name}=${value}\0`);
    return (
      env.subarray(0, needle.length).equals(needle) ||
      env.indexOf(Buffer.concat([Buffer.from([0]), needle])) >= 0
    );
  } catch {
    return false;
  }
}
