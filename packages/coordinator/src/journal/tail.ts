import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { JournalEvent } from './events.js';

export interface JournalChunk {
  /** Events appended since the last poll, in order. */
  events: JournalEvent[];
  /** The file is shorter than what was already read (replaced or truncated): start again from `events`. */
  reset: boolean;
}

const CHUNK = 4 * 1024 * 1024;

/**
 * Follows a journal another process is appending to: remembers the byte offset of the last complete
 * line and parses only lines completed since, so watching a long run costs what it appends, not its
 * whole size. The same rules as `readJournal`: a line still being written (no newline yet, or a last
 * line that is not JSON) waits for the next poll; a bad line with more after it, or a gap in `seq`,
 * stops the tail with an error naming the file and line, and what was read before it stays valid.
 */
export class JournalTail {
  /** Bytes of complete lines consumed. */
  offset = 0;
  /** Lines consumed (1-based number of the last one). */
  line = 0;
  lastSeq: number | null = null;
  /** Set once the journal is found corrupt; nothing after that point is read. */
  error: string | null = null;
  /** Bytes after the last complete line (a write in progress or a torn line). */
  pendingBytes = 0;

  constructor(readonly path: string) {}

  poll(): JournalChunk {
    const out: JournalChunk = { events: [], reset: false };
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
      throw err;
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        this.offset = 0;
        this.line = 0;
        this.lastSeq = null;
        this.error = null;
        out.reset = true;
      }
      if (this.error) return out;
      let chunk = CHUNK;
      while (this.offset < size) {
        const want = Math.min(chunk, size - this.offset);
        const buf = Buffer.allocUnsafe(want);
        const got = readSync(fd, buf, 0, want, this.offset);
        const last = buf.lastIndexOf(0x0a, got - 1);
        if (last < 0) {
          // One line longer than the chunk: read more of it at once, or wait for its end.
          if (got === want && this.offset + got < size) {
            chunk *= 2;
            continue;
          }
          break;
        }
        const atEnd = this.offset + got >= size;
        if (!this.consume(buf.subarray(0, last + 1), atEnd && last + 1 === got, out.events)) break;
        if (got < want) break;
      }
      this.pendingBytes = this.error ? 0 : Math.max(0, size - this.offset);
    } finally {
      closeSync(fd);
    }
    return out;
  }

  /** Parses complete lines; returns false when it stopped early (corruption, or a bad last line to wait on). */
  private consume(buf: Buffer, endsFile: boolean, events: JournalEvent[]): boolean {
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(0x0a, start);
      const text = buf.toString('utf8', start, nl);
      let event: JournalEvent | undefined;
      if (text.trim() !== '') {
        try {
          event = JSON.parse(text) as JournalEvent;
        } catch {
          // A bad final line may be a write cut short that the writer repairs: wait for what follows.
          if (endsFile && nl === buf.length - 1) return false;
          return this.fail(
            `journal ${this.path}:${this.line + 1}: not a JSON event (the journal is corrupt here; events before it are shown)`,
          );
        }
        const expected = this.lastSeq === null ? event.seq : this.lastSeq + 1;
        if (typeof event.seq !== 'number' || event.seq !== expected) {
          return this.fail(
            `journal ${this.path}:${this.line + 1}: seq ${String(event.seq)} where ${expected} was expected`,
          );
        }
        this.lastSeq = event.seq;
        events.push(event);
      }
      this.line++;
      this.offset += nl + 1 - start;
      start = nl + 1;
    }
    return true;
  }

  private fail(message: string): false {
    this.error = message;
    return false;
  }
}
