import { closeSync, openSync, rmSync, writeSync, writevSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { ExecEvent, OutputStream } from '@aira/protocol';
import { encodeEvent, outputRecordHeader, recordLength } from './wire.js';

/** One index entry per this many events: memory stays small however many events an exec has. */
const INDEX_STRIDE = 256;
/** Recent records kept in memory so live readers never touch the disk. */
const TAIL_BYTES = 4 * 1024 * 1024;
/** Once the exec has finished only its last record stays in memory (a session runs hundreds of execs). */
const FINISHED_TAIL_BYTES = 0;

export type LogEvent = Exclude<ExecEvent['event'], undefined>;

/**
 * One encoded record: a Buffer, or the pieces it is made of (an output record's header and the
 * pipe's chunks as they were read), so output is never copied just to be kept or logged;
 * the service's serializer joins the pieces when the record is sent.
 */
export type LogRecord = Buffer | Buffer[];

export function recordSize(record: LogRecord): number {
  return Buffer.isBuffer(record) ? record.length : record.reduce((n, b) => n + b.length, 0);
}

export function recordBytes(record: LogRecord): Buffer {
  return Buffer.isBuffer(record) ? record : Buffer.concat(record);
}

interface TailEntry {
  offset: number;
  record: LogRecord;
  length: number;
}

/**
 * The bounded on-disk log of one exec: its events in seq order, as encoded ExecResponse records.
 * Output is appended synchronously as the pipes deliver it (page-cache writes, microseconds), so
 * reading the pipes never waits for a client; clients read at their own pace through a
 * LogReader, from a small in-memory tail when they keep up and from the file when they do not.
 * Past `capBytes` of output, output is dropped and the exec is marked truncated; the finished
 * event is always kept. Memory held: the tail, plus one offset per INDEX_STRIDE events. The file
 * is open for writing only while the exec runs.
 */
export class ExecLog {
  private fd: number | undefined;
  private size = 0;
  private events = 0;
  private readonly index: number[] = [];
  private tail: TailEntry[] = [];
  private tailFirst = 0;
  private tailBytes = 0;
  /** Records that could not be written (disk full): kept in memory after the file's records. */
  private readonly spilled: LogRecord[] = [];
  private spilledFrom = -1;
  private changed = deferred();
  private ended = false;
  private removed = false;
  private readers = 0;
  outputBytes = 0;
  truncated = false;

  /** `fd`: the file at `path`, already opened for writing (empty); else it is made here. */
  constructor(
    readonly path: string,
    readonly capBytes: number,
    fd?: number,
  ) {
    this.fd = fd ?? openSync(path, 'w', 0o600);
  }

  /** Number of events so far (the next seq). */
  get count(): number {
    return this.events;
  }

  get finished(): boolean {
    return this.ended;
  }

  get isRemoved(): boolean {
    return this.removed;
  }

  /** Appends a started or finished event; the finished event ends the log. */
  append(event: LogEvent, unixMs = Date.now()): number {
    if (this.ended) throw new Error(`exec log ${this.path} already finished`);
    const seq = this.events;
    this.writeRecord(encodeEvent({ seq, unixMs, event }));
    if (event.$case === 'finished') this.end();
    this.notify();
    return seq;
  }

  /**
   * Appends one output chunk made of `parts` unless past the cap; returns false when (part of)
   * it was dropped. The parts are kept as they are (not copied).
   */
  appendOutput(stream: OutputStream, parts: Buffer[], unixMs = Date.now()): boolean {
    if (this.ended) return true;
    const total = parts.reduce((n, p) => n + p.length, 0);
    if (total === 0) return true;
    const room = this.capBytes - this.outputBytes;
    this.outputBytes += total;
    if (this.truncated || room <= 0) {
      this.truncated = true;
      return false;
    }
    let kept = parts;
    let keptBytes = total;
    if (total > room) {
      this.truncated = true;
      kept = [];
      keptBytes = 0;
      for (const p of parts) {
        const n = Math.min(p.length, room - keptBytes);
        if (n <= 0) break;
        kept.push(n === p.length ? p : p.subarray(0, n));
        keptBytes += n;
      }
    }
    this.writeRecord([outputRecordHeader(this.events, unixMs, stream, keptBytes), ...kept]);
    this.notify();
    return keptBytes === total;
  }

  /** Resolves at the next append, at the end, or when the log is removed. */
  waitForChange(): Promise<void> {
    return this.changed.promise;
  }

  /** A reader from `seq` on; close it when done. */
  reader(seq: number): LogReader {
    this.readers++;
    return new LogReader(this, seq, () => this.readerClosed());
  }

  private readerClosed(): void {
    this.readers--;
    if (this.removed && this.readers === 0) this.deleteFile();
  }

  private deleteFile(): void {
    rmSync(this.path, { force: true });
  }

  /** @internal Records held in memory from `seq` on, with the offset after them; undefined when seq is not in memory. */
  memoryRecords(seq: number): { records: LogRecord[]; nextOffset: number } | undefined {
    if (this.spilledFrom >= 0 && seq >= this.spilledFrom)
      return { records: this.spilled.slice(seq - this.spilledFrom), nextOffset: this.size };
    if (seq < this.tailFirst || this.tail.length === 0) return undefined;
    const entries = this.tail.slice(seq - this.tailFirst);
    const records = entries.map((e) => e.record);
    if (this.spilledFrom >= 0) records.push(...this.spilled);
    const last = entries.at(-1);
    return { records, nextOffset: last ? last.offset + last.length : this.size };
  }

  /** @internal Offset of the index block holding seq, and that block's first seq. */
  indexEntry(seq: number): { offset: number; seq: number } {
    const block = Math.floor(seq / INDEX_STRIDE);
    return { offset: this.index[block]!, seq: block * INDEX_STRIDE };
  }

  /** Bytes of records on disk. */
  get fileSize(): number {
    return this.size;
  }

  /** Deletes the log (its session closed); readers already reading finish first. */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    this.closeFile();
    if (this.readers === 0) this.deleteFile();
    this.notify();
  }

  private end(): void {
    this.ended = true;
    this.closeFile();
    this.trimTail(FINISHED_TAIL_BYTES);
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = undefined;
  }

  private writeRecord(record: LogRecord): void {
    if (this.events % INDEX_STRIDE === 0) this.index.push(this.size);
    if (this.spilledFrom < 0 && this.fd !== undefined) {
      try {
        const length = recordSize(record);
        const written = Buffer.isBuffer(record)
          ? writeSync(this.fd, record, 0, length, this.size)
          : writevSync(this.fd, record, this.size);
        if (written !== length) throw new Error(`short write (${written} of ${length} bytes)`);
        if (this.tail.length === 0) this.tailFirst = this.events;
        this.tail.push({ offset: this.size, record, length });
        this.tailBytes += length;
        this.trimTail(TAIL_BYTES);
        this.size += length;
        this.events++;
        return;
      } catch {
        // Disk full or failing: what follows stays in memory. Output is dropped from here on
        // (truncated), so in practice only the finished event lands here.
        this.truncated = true;
      }
    }
    if (this.spilledFrom < 0) this.spilledFrom = this.events;
    this.spilled.push(record);
    this.events++;
  }

  private trimTail(maxBytes: number): void {
    while (this.tail.length > 1 && this.tailBytes > maxBytes) {
      this.tailBytes -= this.tail.shift()!.length;
      this.tailFirst++;
    }
  }

  private notify(): void {
    const d = this.changed;
    this.changed = deferred();
    d.resolve();
  }
}

/** Reads an exec's records in order from a seq: from memory when it can, else from the file. */
export class LogReader {
  private offset: number | undefined;
  private fh: FileHandle | undefined;

  private closed = false;

  constructor(
    private readonly log: ExecLog,
    public seq: number,
    private readonly onClose: () => void,
  ) {}

  /** The next records (none when the reader has caught up). */
  async next(maxBytes = 1024 * 1024): Promise<LogRecord[]> {
    const log = this.log;
    if (this.seq >= log.count) return [];
    const mem = log.memoryRecords(this.seq);
    if (mem) {
      this.seq += mem.records.length;
      this.offset = mem.nextOffset;
      return mem.records;
    }
    this.fh ??= await open(log.path, 'r');
    if (this.offset === undefined) this.offset = await this.locate(this.seq);
    const end = log.fileSize;
    let want = Math.min(maxBytes, end - this.offset);
    let buf = Buffer.allocUnsafe(want);
    let got = (await this.fh.read(buf, 0, want, this.offset)).bytesRead;
    const first = recordLength(buf, 0);
    if (first !== undefined && first > got) {
      // One record larger than maxBytes: read exactly that record.
      want = first;
      buf = Buffer.allocUnsafe(want);
      got = (await this.fh.read(buf, 0, want, this.offset)).bytesRead;
    }
    const records: Buffer[] = [];
    let at = 0;
    while (at < got) {
      const len = recordLength(buf, at);
      if (len === undefined || at + len > got) break;
      records.push(buf.subarray(at, at + len));
      at += len;
    }
    this.offset += at;
    this.seq += records.length;
    return records;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close().catch(() => {});
    this.onClose();
  }

  /** Byte offset of the record with this seq: from the sparse index, skipping record headers. */
  private async locate(seq: number): Promise<number> {
    const entry = this.log.indexEntry(seq);
    let offset = entry.offset;
    const header = Buffer.alloc(11);
    for (let s = entry.seq; s < seq; s++) {
      await this.fh!.read(header, 0, 11, offset);
      offset += recordLength(header, 0)!;
    }
    return offset;
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
