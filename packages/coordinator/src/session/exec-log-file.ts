import { closeSync, mkdir, open, write } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const writeAsync = promisify(write);
const openAsync = promisify(open);
const mkdirAsync = promisify(mkdir);

/** Bytes queued before `write` asks its caller to wait (so a slow disk slows the stream, not memory). */
const HIGH_WATER_BYTES = 8 * 1024 * 1024;

/**
 * An exec's log on the coordinator, its folder made and the file opened and written in order in
 * the background: neither an exec's start nor its events wait for the disk (a folder or file
 * made while another file is synced can wait for the file system's journal; a thread-pool round
 * trip per output chunk costs a wake-up on a loaded machine: docs/dispatch.md).
 */
export class ExecLogFile {
  private fd: number | undefined;
  private pending: Promise<void>;
  private queued = 0;
  private failed: Error | undefined;
  private closed = false;

  private constructor(path: string, mode: 'a' | 'w') {
    this.pending = (async () => {
      try {
        await mkdirAsync(dirname(path), { recursive: true });
        this.fd = await openAsync(path, mode);
      } catch (err) {
        this.failed = err as Error;
      }
    })();
  }

  /** `a` appends to what is there; `w` starts the log over. */
  static open(path: string, mode: 'a' | 'w'): ExecLogFile {
    return new ExecLogFile(path, mode);
  }

  /** Queues bytes after those queued before; a promise to wait on only when too many wait. */
  write(data: Uint8Array): Promise<void> | undefined {
    if (this.closed) throw new Error('the exec log is closed');
    this.queued += data.length;
    this.pending = this.pending.then(async () => {
      try {
        if (this.failed || this.fd === undefined) return;
        let off = 0;
        while (off < data.length)
          off += (await writeAsync(this.fd, data, off, data.length - off, null)).bytesWritten;
      } catch (err) {
        this.failed = err as Error;
      } finally {
        this.queued -= data.length;
      }
    });
    return this.queued > HIGH_WATER_BYTES ? this.pending : undefined;
  }

  /** Waits for what is queued, then closes; throws the first write error. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pending;
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.failed) throw this.failed;
  }
}
