import { closeSync, openSync, readSync, rmSync, writeSync, writevSync } from 'node:fs';
import { read } from 'node:fs';
import { promisify } from 'node:util';
import type { ExecEvent, OutputStream } from '@aira/protocol';
import { encodeEvent, outputRecordHeader, recordLength } from './wire.js';

const readAsync = promisify(read);

/** One index entry per this many events: memory stays small however many events an exec has. */
const INDEX_STRIDE = 256;

export type LogEvent = Exclude<ExecEvent['event'], undefined>;

/**
 * The bounded on-disk log of one exec: its events in seq order, as encoded ExecResponse records.
 * Output is appended synchronously as the pipes deliver it (page-cache writes, microseconds), so
 * reading the pipes never waits for a client; clients read the file at their own pace. Past
 * `capBytes` of output, output is dropped and the exec is marked truncated; the last event
 * (finished) is always kept. Memory held: one offset per INDEX_STRIDE events.
 */
export class ExecLog {
  private readonly fd: number;
  private size = 0;
  private events = 0;
  private readonly index: number[] = [];
  /** Records that could not be written (disk full): kept in memory, read after the file. */
  private readonly spilled: Buffer[] = [];
  private spilledFrom = -1;
  private changed = deferred();
  private ended = false;
  private closed = false;
  outputBytes = 0;
  truncated = false;

  constructor(
    readonly path: string,
    readonly capBytes: number,
  ) {
    this.fd = openSync(path, 'w+', 0o600);
  }

  /** Number of events so far (the next seq). */
  get count(): number {
    return this.events;
  }

  get finished(): boolean {
    return this.ended;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Appends a started or finished event; the finished event ends the log. */
  append(event: LogEvent, unixMs = Date.now()): number {
    if (this.ended) throw new Error(`exec log ${this.path} already finished`);
    const seq = this.events;
    this.writeRecord([encodeEvent({ seq, unixMs, event })]);
    if (event.$case === 'finished') this.ended = true;
    this.notify();
    return seq;
  }

  /** Appends output unless past the cap; returns false when (part of) it was dropped. */
  appendOutput(stream: OutputStream, data: Buffer, unixMs = Date.now()): boolean {
    if (this.ended || data.length === 0) return true;
    this.outputBytes += data.length;
    let kept = data;
    const room = this.capBytes - (this.outputBytes - data.length);
    if (this.truncated || room <= 0) {
      this.truncated = true;
      return false;
    }
    if (data.length > room) {
      kept = data.subarray(0, room);
      this.truncated = true;
    }
    const seq = this.events;
    this.writeRecord([outputRecordHeader(seq, unixMs, stream, kept.length), kept]);
    this.notify();
    return kept === data;
  }

  /** Resolves at the next append, at the end, or when the log is closed. */
  waitForChange(): Promise<void> {
    return this.changed.promise;
  }

  /** Byte offset of the record with this seq (seq <= count). */
  offsetOf(seq: number): number {
    if (seq >= this.events) return this.size;
    const block = Math.floor(seq / INDEX_STRIDE);
    let offset = this.index[block]!;
    const header = Buffer.alloc(11);
    for (let s = block * INDEX_STRIDE; s < seq; s++) {
      readSync(this.fd, header, 0, 11, offset);
      offset += recordLength(header, 0)!;
    }
    return offset;
  }

  /**
   * Reads whole records from `offset`, about `maxBytes` of them (at least one when any is there).
   * Returns the records (views into one buffer) and the offset after them.
   */
  async readRecords(offset: number, maxBytes: number): Promise<{ records: Buffer[]; next: number }> {
    const end = this.size;
    if (offset >= end) return { records: [], next: offset };
    let want = Math.min(maxBytes, end - offset);
    let buf = Buffer.allocUnsafe(want);
    let got = (await readAsync(this.fd, buf, 0, want, offset)).bytesRead;
    let first = recordLength(buf, 0);
    if (first !== undefined && first > got) {
      // One record larger than maxBytes: read exactly that record.
      want = first;
      buf = Buffer.allocUnsafe(want);
      got = (await readAsync(this.fd, buf, 0, want, offset)).bytesRead;
      first = want;
    }
    const records: Buffer[] = [];
    let at = 0;
    while (at < got) {
      const len = recordLength(buf, at);
      if (len === undefined || at + len > got) break;
      records.push(buf.subarray(at, at + len));
      at += len;
    }
    return { records, next: offset + at };
  }

  /** Byte offset at which the file ends (records past it, if any, are spilled in memory). */
  get fileSize(): number {
    return this.size;
  }

  /** Records of seq >= fromSeq that are held in memory because the disk refused them. */
  spilledRecords(fromSeq: number): Buffer[] {
    if (this.spilledFrom < 0) return [];
    return this.spilled.slice(Math.max(0, fromSeq - this.spilledFrom));
  }

  /** Seq of the first spilled record, or count when none. */
  get firstSpilledSeq(): number {
    return this.spilledFrom < 0 ? this.events : this.spilledFrom;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.notify();
  }

  /** Closes the log and deletes its file. */
  remove(): void {
    this.close();
    rmSync(this.path, { force: true });
  }

  private writeRecord(parts: Buffer[]): void {
    if (this.events % INDEX_STRIDE === 0) this.index.push(this.size);
    const length = parts.reduce((n, p) => n + p.length, 0);
    if (this.spilledFrom < 0 && !this.closed) {
      try {
        const written = parts.length === 1 ? writeSync(this.fd, parts[0]!, 0, length, this.size) : writevSync(this.fd, parts, this.size);
        if (written !== length) throw new Error(`short write (${written} of ${length} bytes)`);
        this.size += length;
        this.events++;
        return;
      } catch {
        // Disk full or failing: keep what follows in memory. Output is dropped from here on
        // (truncated), so in practice only the finished event lands here.
        this.spilledFrom = this.events;
        this.truncated = true;
      }
    }
    this.spilled.push(Buffer.concat(parts));
    this.events++;
  }

  private notify(): void {
    const d = this.changed;
    this.changed = deferred();
    d.resolve();
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
