import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { ConfigError } from '@aira/core';

// Why HCE keeps its own CSV reader beside @aira/grading's (the one reader for grading and plugin
// graders): the split streams the labelled file, which can be tens of GB and tens of millions of
// rows (new-york-city-taxi-fare-prediction's labels.csv), and copies each record byte for byte
// into the public or hidden file. grading's reader holds the whole file as one Buffer and parses
// it into typed columns, as pandas does for scoring; neither would fit a split of that size.

/**
 * One CSV record: its exact text (line terminator included), so rows can be copied byte for
 * byte, and its cells, split only when asked for (a pass that copies rows never splits them).
 */
export class CsvRecord {
  private split?: string[];

  constructor(
    readonly raw: string,
    /** 1-based line where the record starts. */
    readonly line: number,
  ) {}

  get cells(): string[] {
    return (this.split ??= splitRecord(this.raw));
  }

  /** The number of cells, counted without splitting an unquoted line. */
  width(): number {
    if (this.split || this.raw.includes('"')) return this.cells.length;
    let n = 1;
    for (let i = this.raw.indexOf(','); i >= 0; i = this.raw.indexOf(',', i + 1)) n++;
    return n;
  }

  /** One cell, found without splitting the others on an unquoted line. */
  cell(k: number): string {
    if (this.split || this.raw.includes('"')) return this.cells[k]!;
    let start = 0;
    for (let j = 0; j < k; j++) start = this.raw.indexOf(',', start) + 1;
    let end = this.raw.indexOf(',', start);
    if (end < 0) {
      end = this.raw.length;
      if (this.raw.endsWith('\n')) end -= this.raw.endsWith('\r\n') ? 2 : 1;
      else if (this.raw.endsWith('\r')) end -= 1;
    }
    return this.raw.slice(start, end);
  }
}

/** Splits one record's text into cells (RFC 4180: quoted cells, doubled quotes, newlines inside quotes). */
export function splitRecord(raw: string): string[] {
  let text = raw;
  if (text.endsWith('\n')) text = text.slice(0, text.endsWith('\r\n') ? -2 : -1);
  else if (text.endsWith('\r')) text = text.slice(0, -1);
  if (!text.includes('"')) return text.split(',');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/**
 * Streams a CSV file in batches of records without holding it in memory (the labelled file can
 * be tens of GB, e.g. new-york-city-taxi-fare-prediction's labels.csv). A record ends at a newline
 * outside quotes; quote positions are found once per chunk, so unquoted lines cost one indexOf.
 * Blank lines are skipped as pandas skips them; a record whose width differs from the header is
 * an error naming the file and line.
 */
export async function* csvBatches(path: string): AsyncGenerator<CsvRecord[]> {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  let line = 1;
  let width = -1;
  let first = true;
  const take = (raw: string, out: CsvRecord[]) => {
    const at = line;
    for (let i = raw.indexOf('\n'); i >= 0; i = raw.indexOf('\n', i + 1)) line++;
    if (raw.length <= 2 && raw.trim() === '') return;
    const rec = new CsvRecord(raw, at);
    const n = rec.width();
    if (n === 1 && raw.trim() === '') return;
    if (width < 0) width = n;
    else if (n !== width) throw new ConfigError(`${path}:${at}: ${n} fields, header has ${width}`);
    out.push(rec);
  };
  const drain = (final: boolean): CsvRecord[] => {
    const out: CsvRecord[] = [];
    let start = 0;
    let from = 0;
    let quotes = 0;
    let q = buf.indexOf('"');
    for (;;) {
      const nl = buf.indexOf('\n', from);
      if (nl < 0) break;
      // Count quotes before this newline (doubled quotes keep the parity).
      while (q >= 0 && q < nl) {
        quotes++;
        q = buf.indexOf('"', q + 1);
      }
      from = nl + 1;
      if (quotes % 2 === 0) {
        take(buf.slice(start, from), out);
        start = from;
        quotes = 0;
      }
    }
    if (final && start < buf.length) {
      if ((buf.slice(start).split('"').length - 1) % 2 !== 0)
        throw new ConfigError(`${path}:${line}: unterminated quoted field`);
      take(buf.slice(start), out);
      start = buf.length;
    }
    buf = buf.slice(start);
    return out;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    buf += decoder.write(chunk as Buffer);
    if (first && buf.length > 0) {
      if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
      first = false;
    }
    const batch = drain(false);
    if (batch.length) yield batch;
  }
  buf += decoder.end();
  if (first && buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
  const batch = drain(true);
  if (batch.length) yield batch;
}

/** Record by record (for small files and tests; large ones go through csvBatches). */
export async function* csvRecords(path: string): AsyncGenerator<CsvRecord> {
  for await (const batch of csvBatches(path)) yield* batch;
}

/** A whole CSV: header and records (for small files). */
export async function readCsvRecords(path: string): Promise<{ header: CsvRecord; rows: CsvRecord[] }> {
  let header: CsvRecord | undefined;
  const rows: CsvRecord[] = [];
  for await (const batch of csvBatches(path)) {
    for (const r of batch) {
      if (!header) header = r;
      else rows.push(r);
    }
  }
  if (!header) throw new ConfigError(`${path}: empty CSV (no header)`);
  return { header, rows };
}

/** Only the header's cells. */
export async function csvHeader(path: string): Promise<string[]> {
  for await (const batch of csvBatches(path)) return batch[0]!.cells;
  throw new ConfigError(`${path}: empty CSV (no header)`);
}
