import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, UserError, isAlive } from '@aira/core';

export interface LocalWorkerSpec {
  index: number;
  /** GPU index for the daemon (`--gpu`), or none for a CPU slot. */
  gpu?: string;
  tokenFile: string;
  workdir: string;
  /** stdout and stderr of the daemon go here (a file, so the daemon outlives a killed coordinator cleanly). */
  logFile: string;
  /**
   * The coordinator's claim file (`coordinator.json`): the daemon watches it and shuts down when it
   * has named no live coordinator for a short grace (long enough for a resumed one to adopt it).
   * Absent: the daemon runs until stopped (`--keep-workers`).
   */
  owner?: string;
}

export interface LocalWorkerProcess {
  address: string;
  pid: number;
  stop(): Promise<void>;
  /** Resolves when the process ends, saying how ("killed by SIGKILL", "exit code 1"). */
  exited?: Promise<string>;
}

/** Starts one worker daemon on this machine and resolves with the address it listens on. */
export type LocalLauncher = (spec: LocalWorkerSpec) => Promise<LocalWorkerProcess>;

const ADDRESS = /((?:\d{1,3}\.){3}\d{1,3}|\[[0-9a-fA-F:]+\]|localhost):(\d{1,5})/;

export { isAlive };

/** SIGTERM, then SIGKILL after `graceMs` if the process is still there. */
export async function stopPid(pid: number, graceMs = 5_000): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/**
 * A launcher that runs `<node> <bin> worker --listen 127.0.0.1:0 ...` as a detached process (its own
 * process group, so a Ctrl-C meant for the coordinator does not kill jobs mid-flight; the
 * coordinator stops it) and reads the bound address from the daemon's listening line.
 * `attached` keeps the daemons in the caller's process tree, for callers a batch system ends
 * whole (a Slurm array task): Slurm then ends them with it, even without cgroups.
 */
export function cliWorkerLauncher(
  bin: string,
  extraArgs: string[] = [],
  startTimeoutMs = 60_000,
  attached = false,
): LocalLauncher {
  return async (spec) => {
    mkdirSync(spec.workdir, { recursive: true });
    const args = [
      bin,
      'worker',
      '--listen',
      '127.0.0.1:0',
      '--token-file',
      spec.tokenFile,
      '--workdir',
      spec.workdir,
      ...extraArgs,
    ];
    if (spec.gpu !== undefined) args.push('--gpu', spec.gpu);
    if (spec.owner !== undefined) args.push('--owner', spec.owner);
    const fd = openSync(spec.logFile, 'a');
    const start = readSize(spec.logFile);
    const child = spawn(process.execPath, args, {
      detached: !attached,
      stdio: ['ignore', fd, fd],
      env: process.env,
    });
    closeSync(fd);
    child.unref();
    let exited = null as string | null; // assigned in the child's callbacks
    const ended = new Promise<string>((resolve) => {
      child.on('exit', (code, signal) =>
        resolve((exited = signal ? `killed by ${signal}` : `exit code ${code}`)),
      );
      child.on('error', (err) => resolve((exited = err.message)));
    });
    const until = Date.now() + startTimeoutMs;
    while (Date.now() < until) {
      // Stdout (the listening line first) and the log on stderr share the file, so a log line (e.g.
      // the daemon ending what a previous one on this workdir left) may come before it.
      const text = readFileSync(spec.logFile).subarray(start).toString('utf8');
      const lines = text.slice(0, text.lastIndexOf('\n') + 1).split('\n');
      const address = lines.map(listeningAddress).find((a) => a !== null && a !== undefined);
      if (address) {
        const pid = child.pid!;
        return { address, pid, stop: () => stopPid(pid), exited: ended };
      }
      if (exited)
        throw new UserError(`local worker ${spec.index} did not start (${exited}); see ${spec.logFile}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    if (child.pid) await stopPid(child.pid, 1_000);
    throw new UserError(
      `local worker ${spec.index} printed no address within ${startTimeoutMs} ms; see ${spec.logFile}`,
    );
  };
}

/** The address on a daemon's first line: `{"event":"listening","address":"127.0.0.1:41234",...}` (or a bare host:port). */
export function listeningAddress(line: string): string | null {
  if (line.trim().startsWith('{')) {
    try {
      const doc = JSON.parse(line) as { address?: unknown };
      return typeof doc.address === 'string' ? doc.address : null;
    } catch {
      return null;
    }
  }
  const m = ADDRESS.exec(line);
  return m ? `${m[1]}:${m[2]}` : null;
}

function readSize(path: string): number {
  try {
    return readFileSync(path).length;
  } catch {
    return 0;
  }
}

/**
 * Slots of a `local[:N]` spec: one per GPU found, else 2 CPU slots; `local:N` asks for N (GPUs, when
 * there are any, are handed out in turn).
 */
export function localSlots(
  spec: string,
  gpus: string[],
  cpus = availableParallelism(),
): Array<{ gpu?: string }> {
  const m = /^local(?::(\d+))?$/.exec(spec);
  if (!m) throw new ConfigError(`workers: "${spec}" is not local or local:N`);
  const n = m[1] !== undefined ? Number(m[1]) : gpus.length > 0 ? gpus.length : 2;
  if (n < 1) throw new ConfigError(`workers: "${spec}" asks for no worker`);
  // Each daemon needs a CPU of its own at least: more than that is a typo, not a study.
  const most = Math.max(cpus, gpus.length);
  if (n > most) {
    throw new ConfigError(
      `workers: "${spec}" asks for ${n} local workers; this machine has ${cpus} CPU(s) and ${gpus.length} GPU(s), so at most local:${most}`,
    );
  }
  return Array.from({ length: n }, (_, i) => (gpus.length > 0 ? { gpu: gpus[i % gpus.length] } : {}));
}

/** What the study folder remembers of a local daemon, so a resumed coordinator can adopt it. */
export interface LocalRecord {
  index: number;
  pid: number;
  address: string;
  gpu?: string;
  startedAt: number;
}

export function writeLocalRecord(dir: string, rec: LocalRecord): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `local-${rec.index}.json`), `${JSON.stringify(rec)}\n`);
}

export function readLocalRecords(dir: string): LocalRecord[] {
  if (!existsSync(dir)) return [];
  const out: LocalRecord[] = [];
  for (const f of readdirSync(dir)) {
    if (!/^local-\d+\.json$/.test(f)) continue;
    try {
      out.push(JSON.parse(readFileSync(join(dir, f), 'utf8')) as LocalRecord);
    } catch {
      /* a record cut short by a crash: the daemon is started afresh */
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/**
 * Stops the local daemons a study's records name that still run (a coordinator killed with
 * --keep-workers, or before their grace ran out). A pid counts only while its command line still
 * names the study's worker folder, so a reused pid is never signalled.
 */
export async function stopRecordedWorkers(workersDir: string): Promise<number[]> {
  const stopped: number[] = [];
  for (const rec of readLocalRecords(workersDir)) {
    if (!isAlive(rec.pid)) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${rec.pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    if (!cmdline.includes(join(basename(dirname(resolve(workersDir))), 'workers', `local-${rec.index}`)))
      continue;
    await stopPid(rec.pid);
    stopped.push(rec.pid);
  }
  return stopped;
}
