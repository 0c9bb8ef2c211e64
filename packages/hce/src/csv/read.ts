import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { ConfigError } from '@aira/core';

/** One CSV record: its cells and its exact text (line terminator included), so rows can be copied byte for byte. */
export interface CsvRecord {
  cells: string[];
  raw: string;
  /** 1-based line where the record starts. */
  line: number;
}

/** Index of the newline that ends the record starting at `start`, or -1 when the buffer ends first. */
function recordEnd(buf: string, start: number): number {
  let quotes = 0;
  let from = start;
  for (;;) {
    const nl = buf.indexOf('\n', from);
    if (nl < 0) return -1;
    for (let q = buf.indexOf('"', from); q >= 0 && q < nl; q = buf.indexOf('"', q + 1)) quotes++;
    // Doubled quotes inside a quoted cell keep the parity, so an even count means we are outside quotes.
    if (quotes % 2 === 0) return nl;
    from = nl + 1;
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
 * Streams a CSV file record by record without holding it in memory (the labelled file can be
 * tens of GB, e.g. new-york-city-taxi-fare-prediction's labels.csv). Blank lines are skipped as
 * pandas skips them; a record whose width differs from the header is an error naming file and line.
 */
export async function* csvRecords(path: string): AsyncGenerator<CsvRecord> {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  let line = 1;
  let width = -1;
  let first = true;
  const emit = (raw: string): CsvRecord | null => {
    const at = line;
    for (let i = raw.indexOf('\n'); i >= 0; i = raw.indexOf('\n', i + 1)) line++;
    if (raw.trim() === '') return null;
    const cells = splitRecord(raw);
    if (width < 0) width = cells.length;
    else if (cells.length !== width) throw new ConfigError(`${path}:${at}: ${cells.length} fields, header has ${width}`);
    return { cells, raw, line: at };
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    buf += decoder.write(chunk as Buffer);
    if (first && buf.length > 0) {
      if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
      first = false;
    }
    let start = 0;
    for (;;) {
      const end = recordEnd(buf, start);
      if (end < 0) break;
      const rec = emit(buf.slice(start, end + 1));
      start = end + 1;
      if (rec) yield rec;
    }
    buf = buf.slice(start);
  }
  buf += decoder.end();
  if (first && buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
  if (buf.length > 0) {
    if (recordEnd(`${buf}\n`, 0) < 0) throw new ConfigError(`${path}:${line}: unterminated quoted field`);
    const rec = emit(buf);
    if (rec) yield rec;
  }
}

/** A whole CSV read through `csvRecords`: header cells and records (for small files). */
export async function readCsvRecords(path: string): Promise<{ header: CsvRecord; rows: CsvRecord[] }> {
  let header: CsvRecord | undefined;
  const rows: CsvRecord[] = [];
  for await (const r of csvRecords(path)) {
    if (!header) header = r;
    else rows.push(r);
  }
  if (!header) throw new ConfigError(`${path}: empty CSV (no header)`);
  return { header, rows };
}

/** Only the header's cells. */
export async function csvHeader(path: string): Promise<string[]> {
  for await (const r of csvRecords(path)) return r.cells;
  throw new ConfigError(`${path}: empty CSV (no header)`);
}
