import { WorkerConnection, type WatchUtilizationResponse } from '@aira/protocol';

/** The latest utilisation a worker reported (its WatchUtilization stream). */
export interface Utilisation {
  unixMs: number;
  cpuPercent: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
  runningExecs: number;
  gpus: Array<{
    index: string;
    name: string;
    utilizationPercent: number;
    memoryUsedBytes: number;
    memoryTotalBytes: number;
    temperatureCelsius: number;
  }>;
}

interface Watch {
  conn: WorkerConnection;
  stop: () => void;
  sample: Utilisation | null;
  error: string | null;
  askedAt: number;
  retryAt: number;
}

/**
 * Live GPU/CPU/memory use of the workers a page is looking at: one WatchUtilization stream per
 * worker, opened when first asked for (with the study's worker token, read-only) and closed once no
 * page has asked for a while. Only reads: no session is opened, nothing is run on the worker.
 */
export class TelemetryHub {
  private readonly watches = new Map<string, Watch>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly intervalMs = 2_000,
    private readonly idleMs = 30_000,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(idleMs, 10_000));
    this.sweeper.unref();
  }

  /** What the worker at `address` last reported, or why there is nothing; starts watching it. */
  utilisation(
    address: string,
    token: string | null,
    now = Date.now(),
  ): { sample: Utilisation | null; error: string | null } {
    if (!token) return { sample: null, error: 'no worker token readable in the study folder' };
    const key = `${address}\n${token}`;
    let w = this.watches.get(key);
    if (w && w.error && now >= w.retryAt) {
      w.stop();
      this.watches.delete(key);
      w = undefined;
    }
    if (!w) {
      w = this.open(address, token, now);
      this.watches.set(key, w);
    }
    w.askedAt = now;
    return { sample: w.sample, error: w.sample ? null : w.error };
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
  }

  private open(address: string, token: string, now: number): Watch {
    const conn = new WorkerConnection({ address, token });
    const call = conn.stream('watchUtilization', { intervalMs: this.intervalMs });
    const w: Watch = {
      conn,
      sample: null,
      error: null,
      askedAt: now,
      retryAt: 0,
      stop: () => {
        call.cancel();
        conn.close();
      },
    };
    call.on('data', (r: WatchUtilizationResponse) => {
      w.sample = {
        unixMs: r.unixMs,
        cpuPercent: r.cpuPercent,
        memoryUsedBytes: r.memoryUsedBytes,
        memoryTotalBytes: r.memoryTotalBytes,
        runningExecs: r.runningExecs,
        gpus: r.gpus.map((g) => ({
          index: g.index,
          name: g.name,
          utilizationPercent: g.utilizationPercent,
          memoryUsedBytes: g.memoryUsedBytes,
          memoryTotalBytes: g.memoryTotalBytes,
          temperatureCelsius: g.temperatureCelsius,
        })),
      };
      w.error = null;
    });
    call.on('error', (err: Error & { details?: string }) => {
      // Cancelled by us is not an error worth showing; anything else is retried a little later.
      if (/CANCELLED/.test(err.message)) return;
      w.sample = null;
      w.error = `worker ${address}: ${err.details || err.message}`;
      w.retryAt = Date.now() + 5_000;
    });
    call.on('end', () => {
      w.sample = null;
      w.error ??= `worker ${address} ended its telemetry stream`;
      w.retryAt = Date.now() + 5_000;
    });
    return w;
  }

  private sweep(now = Date.now()): void {
    for (const [key, w] of this.watches) {
      if (now - w.askedAt > this.idleMs) {
        w.stop();
        this.watches.delete(key);
      }
    }
  }
}
