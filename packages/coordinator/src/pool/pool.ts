import { EventEmitter } from 'node:events';
import { WorkerConnection } from '@aira/protocol';
import type { Logger } from '@aira/core';
import { healthProbe } from './health.js';
import type { PoolWorker, WorkerSource } from './pool-worker.js';

export interface PoolOptions {
  token: string;
  /** Silence after which a worker is lost. */
  leaseMs: number;
  /** Probe interval. */
  heartbeatMs: number;
  /** Deadline of control calls. */
  callDeadlineMs: number;
  logger: Logger;
  connectTimeoutMs?: number;
}

interface PoolEvents {
  joined: [PoolWorker];
  lost: [PoolWorker, string];
  recovered: [PoolWorker];
  idle: [PoolWorker];
}

/**
 * The workers a study uses, one slot each. Health is a lease: each worker is probed (health
 * check, with a deadline) every heartbeat; one that has not answered for `leaseMs` is lost (its job is
 * re-run elsewhere by the run loop) and keeps being probed; when it answers again it is reconciled
 * (stale sessions cancelled or closed) before it takes work again.
 */
export class WorkerPool extends EventEmitter<PoolEvents> {
  private readonly workers = new Map<string, PoolWorker>();
  private readonly probing = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Runs before a worker (new or back from lost) takes work: the run loop cancels what it must not keep. */
  reconcile: (w: PoolWorker) => Promise<void> = async () => undefined;
  /**
   * The launcher's hook for a worker that is gone for good (`remove`: its process ended, its
   * scheduler job was cancelled): start another in its place and `add` it with `{ replaces: id }`.
   * Called once per removal, never after `close`; a launcher that cannot replace leaves it unset.
   * Local daemons set it (study.ts); a cluster launcher sets it the same way.
   */
  replacer?: (gone: PoolWorker, reason: string) => Promise<void>;

  constructor(readonly options: PoolOptions) {
    super();
  }

  get size(): number {
    return [...this.workers.values()].filter((w) => w.state !== 'closed').length;
  }

  list(): PoolWorker[] {
    return [...this.workers.values()];
  }

  get(id: string): PoolWorker | undefined {
    return this.workers.get(id);
  }

  idleCount(): number {
    let n = 0;
    for (const w of this.workers.values()) if (w.state === 'idle') n++;
    return n;
  }

  /** Connects to a worker (probing it with Describe) and adds it; a known worker id is updated instead. */
  get isClosed(): boolean {
    return this.closed;
  }

  async add(
    address: string,
    source: WorkerSource,
    local?: PoolWorker['local'],
    opts: { replaces?: string } = {},
  ): Promise<PoolWorker> {
    const { connection, info } = await WorkerConnection.connect({
      address,
      token: this.options.token,
      connectTimeoutMs: this.options.connectTimeoutMs ?? this.options.callDeadlineMs,
      unaryDeadlineMs: this.options.callDeadlineMs,
    });
    const id = info.workerId || address;
    const known = this.workers.get(id);
    if (known && known.state !== 'closed') {
      // The same daemon registered again (new address, or after a restart of its network).
      if (known.address !== address) {
        known.conn.close();
        known.conn = connection;
        known.address = address;
        known.probe = healthProbe(connection);
      } else connection.close();
      known.info = info;
      known.lastOkAt = Date.now();
      if (known.state === 'lost') await this.recover(known);
      return known;
    }
    const w: PoolWorker = {
      id,
      address,
      source,
      conn: connection,
      info,
      state: 'joining',
      lastOkAt: Date.now(),
      idleSince: Date.now(),
      local,
      probe: healthProbe(connection),
      replaces: opts.replaces,
    };
    this.workers.set(id, w);
    this.options.logger.info({ worker: id, address, source }, 'worker joined');
    await this.reconcileSafely(w);
    w.state = 'idle';
    w.idleSince = Date.now();
    this.emit('joined', w);
    this.emit('idle', w);
    return w;
  }

  /** Takes the longest-idle worker, or undefined when none is free. */
  acquire(): PoolWorker | undefined {
    let best: PoolWorker | undefined;
    for (const w of this.workers.values())
      if (w.state === 'idle' && (!best || w.idleSince < best.idleSince)) best = w;
    if (best) best.state = 'busy';
    return best;
  }

  /** Takes this particular worker when it is idle (a resumed job goes back to the worker that runs it). */
  acquireWorker(w: PoolWorker): boolean {
    if (w.state !== 'idle') return false;
    w.state = 'busy';
    return true;
  }

  /** Gives a worker back after a job; a lost or closed one stays as it is. */
  release(w: PoolWorker): void {
    if (w.state !== 'busy') return;
    w.state = 'idle';
    w.idleSince = Date.now();
    this.emit('idle', w);
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(
      () => this.probeAll(),
      Math.max(50, Math.min(this.options.heartbeatMs, this.options.leaseMs / 2)),
    );
    this.timer.unref();
  }

  /** Marks a worker lost now (e.g. its daemon exited). */
  markLost(w: PoolWorker, reason: string): void {
    if (w.state === 'lost' || w.state === 'closed') return;
    w.state = 'lost';
    this.options.logger.warn({ worker: w.id, reason }, 'worker lost');
    this.emit('lost', w, reason);
  }

  /**
   * A worker that will not come back (its process ended): lost now — its job re-runs at once
   * rather than after the lease — then closed, and handed to `replacer` while the pool is open.
   */
  remove(w: PoolWorker, reason: string): void {
    if (w.state === 'closed') return;
    this.markLost(w, reason);
    w.state = 'closed';
    w.conn.close();
    if (this.closed || !this.replacer) return;
    this.replacer(w, reason).catch((err: unknown) =>
      this.options.logger.warn({ worker: w.id, err }, 'could not replace the worker'),
    );
  }

  private probeAll(): void {
    const now = Date.now();
    for (const w of this.workers.values()) {
      if (w.state === 'joining') continue;
      if (w.state === 'closed' || this.probing.has(w.id)) {
        if (w.state !== 'closed' && w.state !== 'lost' && now - w.lastOkAt > this.options.leaseMs)
          this.markLost(w, `no answer for ${now - w.lastOkAt} ms`);
        continue;
      }
      this.probing.add(w.id);
      const deadlineMs = Math.max(200, Math.min(this.options.callDeadlineMs, this.options.leaseMs / 2));
      w.probe(deadlineMs)
        .then(async (serving) => {
          if (!serving) throw new Error('not serving');
          w.lastOkAt = Date.now();
          if (w.state === 'lost') {
            w.info = await w.conn.unary('describe', {}, { deadlineMs: this.options.callDeadlineMs });
            await this.recover(w);
          }
        })
        .catch(() => {
          if (w.state !== 'lost' && w.state !== 'closed' && Date.now() - w.lastOkAt > this.options.leaseMs) {
            this.markLost(w, `no answer for ${Date.now() - w.lastOkAt} ms`);
          }
        })
        .finally(() => this.probing.delete(w.id));
    }
  }

  private async recover(w: PoolWorker): Promise<void> {
    if (this.closed) return;
    this.options.logger.info({ worker: w.id }, 'worker answers again');
    this.emit('recovered', w);
    await this.reconcileSafely(w);
    if (w.state !== 'lost') return;
    w.state = 'idle';
    w.idleSince = Date.now();
    this.emit('idle', w);
  }

  private async reconcileSafely(w: PoolWorker): Promise<void> {
    try {
      await this.reconcile(w);
    } catch (err) {
      this.options.logger.warn({ worker: w.id, err }, "reconciling the worker's sessions failed");
    }
  }

  /** Stops probing, closes connections and stops local daemons unless told to keep them. */
  async close(options: { stopLocal: boolean }): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const stops: Array<Promise<void>> = [];
    for (const w of this.workers.values()) {
      w.state = 'closed';
      w.conn.close();
      if (options.stopLocal && w.local) stops.push(w.local.stop().catch(() => undefined));
    }
    await Promise.all(stops);
  }
}
