import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** Quotes a cell the way Python's csv module (QUOTE_MINIMAL) and pandas' to_csv do. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\n`;
}

const FLUSH = 1 << 16;

/** A CSV file written through a 64 KiB buffer with back-pressure; `close` resolves once it is on disk. */
export class CsvWriter {
  private readonly out: WriteStream;
  private failure: Error | null = null;
  private pending = '';

  constructor(path: string) {
    this.out = createWriteStream(path);
    this.out.on('error', (err) => (this.failure = err));
  }

  /** Adds text without waiting; true when the buffer is full and `flush()` should be awaited. */
  push(text: string): boolean {
    this.pending += text;
    return this.pending.length >= FLUSH;
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    const text = this.pending;
    this.pending = '';
    if (text && !this.out.write(text)) await new Promise<void>((r) => this.out.once('drain', r));
  }

  /** Writes text as is (a raw record copied from the source, terminator included). */
  async raw(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length >= FLUSH) await this.flush();
  }

  row(cells: readonly string[]): Promise<void> {
    return this.raw(csvLine(cells));
  }

  async close(): Promise<void> {
    await this.flush();
    return new Promise((resolve, reject) => {
      this.out.end((err?: Error | null) => {
        const failed = err ?? this.failure;
        return failed ? reject(failed) : resolve();
      });
    });
  }
}

/** Writes a whole CSV (header + rows) the way pandas' to_csv(index=False) quotes; creates folders. Returns the row count. */
export async function writeTable(
  path: string,
  header: readonly string[],
  rows: Iterable<readonly string[]>,
): Promise<number> {
  mkdirSync(dirname(path), { recursive: true });
  const out = new CsvWriter(path);
  let n = 0;
  try {
    await out.row(header);
    for (const r of rows) {
      await out.row(r);
      n++;
    }
  } finally {
    await out.close();
  }
  return n;
}
