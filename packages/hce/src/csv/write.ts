import { createWriteStream, type WriteStream } from 'node:fs';

/** Quotes a cell the way Python's csv module (QUOTE_MINIMAL) and pandas' to_csv do. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\n`;
}

/** A CSV file written line by line with back-pressure; `close` resolves once it is on disk. */
export class CsvWriter {
  private readonly out: WriteStream;
  private failure: Error | null = null;

  constructor(path: string) {
    this.out = createWriteStream(path);
    this.out.on('error', (err) => (this.failure = err));
  }

  /** Writes text as is (a raw record copied from the source, terminator included). */
  async raw(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.out.write(text)) await new Promise<void>((r) => this.out.once('drain', r));
  }

  row(cells: readonly string[]): Promise<void> {
    return this.raw(csvLine(cells));
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.end((err?: Error | null) => (err || this.failure ? reject(err ?? this.failure) : resolve()));
    });
  }
}
