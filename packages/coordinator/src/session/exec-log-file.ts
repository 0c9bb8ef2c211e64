import { closeSync, openSync, write } from 'node:fs';
import { promisify } from 'node:util';

const writeAsync = promisify(write);

/** Bytes queued before `write` asks its caller to wait (so a slow disk slows the stream, not memory). */
const HIGH_WATER_BYTES = 8 * 1024 * 1024;

/**
 * An exec's log on the coordinator. Opened with one synchronous call and written in order in the
 * background: an exec's events (its start, its end) are not held up by a thread-pool round trip
 * per output chunk, which on a loaded machine costs a wake-up each (docs/dispatch.md).
 */
export class ExecLogFile {
  private pending: Promise<void> = Promise.resolve();
  private queued = 0;
  private failed: Error | undefined;
  private closed = false;

  private constructor(private readonly fd: number) {}

  /** `a` appends to what is there; `w` starts the log over. */
  static open(path: string, mode: 'a' | 'w'): ExecLogFile {
    return new ExecLogFile(openSync(path, mode));
  }

  /** Queues bytes after those queued before; a promise to wait on only when too many wait. */
  write(data: Uint8Array): Promise<void> | undefined {
    if (this.closed) throw new Error('the exec log is closed');
    this.queued += data.length;
    this.pending = this.pending.then(async () => {
      try {
        if (this.failed) return;
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
    closeSync(this.fd);
    if (this.failed) throw this.failed;
  }
}
