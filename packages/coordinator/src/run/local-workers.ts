import { join } from 'node:path';
import type { Logger } from '@aira/core';
import {
  isAlive,
  readLocalRecords,
  stopPid,
  writeLocalRecord,
  type LocalLauncher,
  type LocalWorkerProcess,
} from '../pool/local.js';
import type { WorkerPool } from '../pool/pool.js';

/** Replacements of one slot after which its daemon is left dead (it dies as soon as it starts). */
const MAX_REPLACEMENTS = 3;

/**
 * Starts (or adopts) one local daemon per slot. A daemon whose process ends while the study goes
 * on is removed from the pool at once (its job re-runs now, not after the lease) and a new one is
 * started in its slot through the pool's `replacer` hook. A failed start stops what did start.
 */
export async function startLocalWorkers(
  slots: Array<{ gpu?: string }>,
  pool: WorkerPool,
  ctx: {
    dir: string;
    tokenFile: string;
    owner?: string;
    launcher: LocalLauncher;
    stop: AbortSignal;
    logger: Logger;
  },
): Promise<void> {
  const records = new Map(readLocalRecords(ctx.dir).map((r) => [r.index, r]));
  const launched: LocalWorkerProcess[] = [];
  const slotOf = new Map<string, number>();
  const replaced = new Map<number, number>();

  const launch = async (index: number, replaces?: string) => {
    const gpu = slots[index]!.gpu;
    const proc = await ctx.launcher({
      index,
      gpu,
      tokenFile: ctx.tokenFile,
      workdir: join(ctx.dir, `local-${index}`),
      logFile: join(ctx.dir, `local-${index}.log`),
      owner: ctx.owner,
    });
    launched.push(proc);
    if (pool.isClosed) return void (await proc.stop());
    writeLocalRecord(ctx.dir, { index, pid: proc.pid, address: proc.address, gpu, startedAt: Date.now() });
    const w = await pool.add(proc.address, 'local', { pid: proc.pid, stop: () => proc.stop() }, { replaces });
    slotOf.set(w.id, index);
    void proc.exited?.then((how) => {
      if (w.state !== 'closed') pool.remove(w, `its process ended (${how})`);
    });
  };

  pool.replacer = async (gone) => {
    const index = slotOf.get(gone.id);
    if (index === undefined || ctx.stop.aborted) return;
    const n = (replaced.get(index) ?? 0) + 1;
    replaced.set(index, n);
    if (n > MAX_REPLACEMENTS)
      return void ctx.logger.warn(
        { worker: gone.id, slot: index },
        'local worker slot died too often; not replaced again',
      );
    ctx.logger.warn({ worker: gone.id, slot: index }, 'replacing a local worker whose process ended');
    await launch(index, gone.id);
  };

  const started = await Promise.allSettled(
    slots.map(async (_slot, index) => {
      const rec = records.get(index);
      if (rec && isAlive(rec.pid)) {
        // A daemon a crashed coordinator left behind: adopt it when it is the same process.
        try {
          const w = await pool.add(rec.address, 'local', { pid: rec.pid, stop: () => stopPid(rec.pid) });
          if (w.info.pid === rec.pid) return void slotOf.set(w.id, index);
        } catch {
          /* not reachable: start a fresh one */
        }
      }
      await launch(index);
    }),
  );
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // No daemon outlives a start that failed: those that did start are stopped now.
    await Promise.all(launched.map((p) => p.stop().catch(() => undefined)));
    throw failed.reason;
  }
}
