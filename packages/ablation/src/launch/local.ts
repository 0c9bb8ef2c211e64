import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@aira/core';
import { isAlive, stopPid, type LocalLauncher, type LocalWorkerProcess } from '@aira/coordinator';
import { detectGpus } from '@aira/worker';
import { ensureTokenFile } from '@aira/protocol';
import type { Launcher, Lease } from './types.js';

export interface LocalPoolOptions {
  /** Starts one worker daemon (the cli passes `aira worker` through the coordinator's cliWorkerLauncher). */
  launch: LocalLauncher;
  /** The study folder: token, daemons' records and logs live in `<dir>/workers`. */
  dir: string;
  /** Daemons to keep (the most any cell asks for, or the matrix's `launcher.slots`). */
  slots: number;
  /** GPUs to hand out, one per daemon in turn (default: CUDA_VISIBLE_DEVICES, else nvidia-smi). */
  gpus?: string[];
}

interface Slot {
  index: number;
  gpu?: string;
  proc: LocalWorkerProcess | null;
  busy: boolean;
}

/**
 * The `local` launcher: a pool of worker daemons on this machine shared among cells, each cell
 * borrowing as many as its variant asks for (`workers.spec: [local:N]`) through a hosts file in
 * its folder. Waiting cells are served first come, first served, so a big cell is not starved by
 * small ones behind it. A daemon found dead when lent is started again.
 */
export function localPool(o: LocalPoolOptions): Launcher {
  const gpus = o.gpus ?? detectGpus();
  const workersDir = join(o.dir, 'workers');
  const tokenFile = join(o.dir, 'token');
  const slots: Slot[] = Array.from({ length: o.slots }, (_, index) => ({
    index,
    ...(gpus.length ? { gpu: gpus[index % gpus.length] } : {}),
    proc: null,
    busy: false,
  }));
  const waiters: Array<{ n: number; grant: (mine: Slot[]) => void }> = [];

  const startSlot = async (s: Slot) => {
    const proc = await o.launch({
      index: s.index,
      gpu: s.gpu,
      tokenFile,
      workdir: join(workersDir, `local-${s.index}`),
      logFile: join(workersDir, `local-${s.index}.log`),
    });
    writeFileSync(
      join(workersDir, `local-${s.index}.json`),
      `${JSON.stringify({ index: s.index, pid: proc.pid, address: proc.address, gpu: s.gpu, startedAt: Date.now() })}\n`,
    );
    s.proc = proc;
  };

  const pump = () => {
    while (waiters.length > 0) {
      const free = slots.filter((s) => !s.busy);
      if (free.length < waiters[0]!.n) return;
      const { n, grant } = waiters.shift()!;
      const mine = free.slice(0, n);
      for (const s of mine) s.busy = true;
      grant(mine);
    }
  };

  return {
    kind: 'local',
    capacity: o.slots,
    available: () => (waiters.length > 0 ? 0 : slots.filter((s) => !s.busy).length),
    async start() {
      mkdirSync(workersDir, { recursive: true });
      ensureTokenFile(tokenFile);
      await stopLeftovers(workersDir);
      // Without GPUs each daemon is one CPU slot: scientific libraries get that slot's share of cores.
      if (gpus.length === 0) {
        const threads = String(Math.max(1, Math.floor(availableParallelism() / o.slots)));
        for (const v of ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'])
          process.env[v] ??= threads;
      }
      await Promise.all(slots.map(startSlot));
    },
    async acquire(n, cellDir): Promise<Lease> {
      if (n > o.slots)
        throw new UserError(
          `a cell asks for ${n} local workers; the pool has ${o.slots} (set launcher.slots in the matrix)`,
        );
      const mine = await new Promise<Slot[]>((grant) => {
        waiters.push({ n, grant });
        pump();
      });
      try {
        for (const s of mine) if (!s.proc || !isAlive(s.proc.pid)) await startSlot(s);
      } catch (err) {
        for (const s of mine) s.busy = false;
        pump();
        throw err;
      }
      mkdirSync(cellDir, { recursive: true });
      const hosts = join(cellDir, 'hosts');
      writeFileSync(hosts, `${mine.map((s) => s.proc!.address).join('\n')}\n`);
      let released = false;
      return {
        workers: { spec: [`hosts:${hosts}`], tokenFile },
        release() {
          if (released) return;
          released = true;
          for (const s of mine) s.busy = false;
          pump();
        },
      };
    },
    async close() {
      await Promise.all(slots.flatMap((s) => (s.proc ? [s.proc.stop().catch(() => undefined)] : [])));
      for (const s of slots) s.proc = null;
      rmSync(workersDir, { recursive: true, force: true });
    },
  };
}

/** Stops the local worker daemons an ablation study's pool recorded (e.g. when `aira ablate` is interrupted). */
export async function stopStudyWorkers(studyDir: string): Promise<void> {
  await stopLeftovers(join(studyDir, 'workers'));
}

/** Daemons a killed `aira ablate` left running: stopped, so the pool starts with fresh ones. */
async function stopLeftovers(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    if (!/^local-\d+\.json$/.test(f)) continue;
    try {
      const rec = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { pid: number };
      if (isAlive(rec.pid) && isWorkerDaemon(rec.pid)) await stopPid(rec.pid);
    } catch {
      /* a record cut short by a crash */
    }
    rmSync(join(dir, f), { force: true });
  }
}

/** Whether a pid is still an `aira worker` daemon (a pid reused by another program is left alone). */
function isWorkerDaemon(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('worker');
  } catch {
    return process.platform !== 'linux'; // no /proc to ask: trust the record
  }
}
