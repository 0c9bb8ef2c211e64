import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { formatBytes } from './share.js';

/** Disk space used by a folder tree (allocated blocks, as `du` counts; hard links once). */
export async function diskUsage(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    let handle;
    try {
      handle = await opendir(d);
    } catch {
      return;
    }
    for await (const e of handle) {
      const p = join(d, e.name);
      let st;
      try {
        st = await lstat(p);
      } catch {
        continue;
      }
      if (st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += st.blocks * 512;
      if (st.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return total;
}

/**
 * Polls the disk use of a session's writable folders and reports once when it passes the limit
 * (there is no per-folder quota without a dedicated file system, so polling it is). The interval
 * stretches when a scan is slow, so a huge tree does not keep a core busy.
 */
export class DiskWatch {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastBytes = 0;

  constructor(
    readonly folders: string[],
    readonly limitBytes: number,
    private readonly onExceeded: (reason: string, bytes: number) => void,
    readonly intervalMs = 1_000,
  ) {}

  get bytes(): number {
    return this.lastBytes;
  }

  start(): this {
    if (this.limitBytes > 0) this.schedule(0);
    return this;
  }

  /** One scan now; returns the reason when over the limit. */
  async check(): Promise<string | null> {
    let sum = 0;
    for (const f of this.folders) sum += await diskUsage(f);
    this.lastBytes = sum;
    return sum > this.limitBytes
      ? `disk use ${formatBytes(sum)} of ${this.folders.length > 1 ? 'the work folders' : 'the work folder'} exceeds the limit ${formatBytes(this.limitBytes)}`
      : null;
  }

  private schedule(delay: number): void {
    // A scan that throws must not become an unhandled rejection in the daemon: scan again later.
    this.timer = setTimeout(() => void this.tick().catch(() => this.schedule(this.intervalMs)), delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const started = Date.now();
    const reason = await this.check();
    if (this.stopped) return;
    if (reason) {
      this.stopped = true;
      this.onExceeded(reason, this.lastBytes);
      return;
    }
    this.schedule(Math.max(this.intervalMs, (Date.now() - started) * 10));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
