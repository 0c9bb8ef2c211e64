import { open, type FileHandle } from 'node:fs/promises';
import { mkdirSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventBody, JournalEvent } from './events.js';
import { readJournal } from './reader.js';

interface Pending {
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Appends events to a run journal. Each event's line is in the file when `write` returns (one
 * synchronous append to the page cache, microseconds, in call order), so a coordinator that dies
 * at any later point leaves it there; `append` and `durable` resolve once it is also on the disk
 * (fdatasync), so that callers can act only after a state change survives the machine too. Events
 * written while a sync is in progress share the next sync (group commit), so many workers
 * finishing at once cost one sync, not one each, and the event loop never waits for the disk.
 */
export class JournalWriter {
  private queue: Pending[] = [];
  private flushing = false;
  private failed: Error | null = null;
  private closed = false;
  private nextSeq: number;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    nextSeq: number,
    private readonly activeMs: () => number,
  ) {
    this.nextSeq = nextSeq;
  }

  /**
   * Opens (or creates) a journal for appending. A torn last line left by a crash is cut off first,
   * so the next event starts on a line of its own. Returns the events already there.
   */
  static async open(
    path: string,
    activeMs: () => number,
  ): Promise<{ writer: JournalWriter; events: JournalEvent[]; tornBytes: number }> {
    mkdirSync(dirname(path), { recursive: true });
    const { events, tornBytes, intactBytes } = readJournal(path);
    const fh = await open(path, 'a+');
    if (tornBytes > 0) {
      await fh.truncate(intactBytes);
      await fh.datasync();
    }
    const next = events.length > 0 ? events[events.length - 1]!.seq + 1 : 0;
    return { writer: new JournalWriter(path, fh, next, activeMs), events, tornBytes };
  }

  /** The seq the next event will get. */
  get seq(): number {
    return this.nextSeq;
  }

  /** Appends one event; resolves with it once it is durable. */
  async append(body: EventBody): Promise<JournalEvent> {
    const { event, durable } = this.write(body);
    await durable;
    return event;
  }

  /**
   * Writes one event into the file (seq, time and active time assigned) and returns it with a
   * promise that resolves once it is on disk; throws when the line cannot be written.
   */
  write(body: EventBody): { event: JournalEvent; durable: Promise<void> } {
    if (this.failed) throw this.failed;
    if (this.closed) throw new Error(`journal ${this.path} is closed`);
    const event = {
      seq: this.nextSeq++,
      t: Date.now(),
      active: Math.round(this.activeMs()),
      ...body,
    } as JournalEvent;
    const bytes = Buffer.from(`${JSON.stringify(event)}\n`);
    try {
      for (let off = 0; off < bytes.length;) off += writeSync(this.fh.fd, bytes, off);
    } catch (err) {
      this.failed = new Error(`cannot write journal ${this.path}: ${(err as Error).message}`);
      for (const p of this.queue.splice(0)) p.reject(this.failed);
      throw this.failed;
    }
    const durable = new Promise<void>((resolve, reject) => {
      this.queue.push({ resolve, reject });
      if (!this.flushing) void this.flush();
    });
    return { event, durable };
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          await this.fh.datasync();
          for (const p of batch) p.resolve();
        } catch (err) {
          this.failed = new Error(`cannot write journal ${this.path}: ${(err as Error).message}`);
          for (const p of [...batch, ...this.queue]) p.reject(this.failed);
          this.queue = [];
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Waits for pending events, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.flushing || this.queue.length > 0) await new Promise((r) => setImmediate(r));
    this.closed = true;
    await this.fh.close();
  }
}
