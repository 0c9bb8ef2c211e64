import { readFileSync } from 'node:fs';
import { CsvError } from './errors.js';
import {
  Table,
  type RawColumn,
  FIELD_MISSING,
  FIELD_PLAIN,
  FIELD_QUOTED,
  FIELD_QUOTED_COMPLEX,
} from './table.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Field offsets of every column, filled row by row: every row gets exactly one entry per column
 * (short rows are padded), so one row count indexes them all and room is checked once a row.
 * Flags start as FIELD_PLAIN (0) and only other kinds are written.
 */
class Columns {
  starts: Uint32Array[];
  ends: Uint32Array[];
  flags: Uint8Array[];
  capacity: number;
  /** `capacity`: the expected number of rows (sized once instead of doubled up from nothing). */
  constructor(width: number, capacity: number) {
    this.capacity = capacity;
    this.starts = Array.from({ length: width }, () => new Uint32Array(capacity));
    this.ends = Array.from({ length: width }, () => new Uint32Array(capacity));
    this.flags = Array.from({ length: width }, () => new Uint8Array(capacity));
  }
  grow(): void {
    const cap = (this.capacity *= 2);
    this.starts = this.starts.map((a) => copied(a, new Uint32Array(cap)));
    this.ends = this.ends.map((a) => copied(a, new Uint32Array(cap)));
    this.flags = this.flags.map((a) => copied(a, new Uint8Array(cap)));
  }
  finish(rows: number): RawColumn[] {
    return this.starts.map((starts, c) => ({
      starts: starts.subarray(0, rows),
      ends: this.ends[c]!.subarray(0, rows),
      flags: this.flags[c]!.subarray(0, rows),
    }));
  }
}

/** `into` with `from` copied to its start. */
function copied<T extends Uint32Array | Uint8Array>(from: T, into: T): T {
  into.set(from);
  return into;
}

/** Reads a CSV file once into a {@link Table}; `source` names it in errors. */
export function readCsv(path: string): Table {
  return parseCsv(readInput(path), path);
}

/** A file's bytes; a missing, folder or unreadable file is a CsvError naming it (`kind`: what it should be). */
export function readInput(path: string, kind = 'a CSV file'): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CsvError(
      code === 'ENOENT'
        ? `${path}: no such file`
        : code === 'EISDIR'
          ? `${path}: is a directory, not ${kind}`
          : `${path}: cannot read (${code ?? String(err)})`,
    );
  }
}

/**
 * RFC 4180 parser with pandas `read_csv` defaults (docs/mlebench-grading.md §Grading a submission step 3): comma
 * delimiter, `"` quoting with doubled quotes, \n, \r\n or \r line ends, blank lines skipped, a
 * UTF-8 BOM dropped, short rows padded with missing values, an empty file read as an empty table.
 * Rows with more fields than the header are an error (pandas: "Expected N fields … saw M").
 */
export function parseCsv(input: Buffer | string, source = '<csv>'): Table {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (buf.length >= 0xffffffff) throw new CsvError(`${source}: file too large (${buf.length} bytes)`);
  const n = buf.length;
  let pos = n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let line = 1;
  let header: string[] | null = null;
  let cols: Columns | null = null;
  let starts: Uint32Array[] = [],
    ends: Uint32Array[] = [],
    flags: Uint8Array[] = [];
  let width = 0;
  let rows = 0;
  const headerFields: [number, number, number][] = [];

  while (pos < n) {
    // Start of a row: a blank line is skipped.
    const b0 = buf[pos]!;
    if (b0 === LF) {
      pos++;
      line++;
      continue;
    }
    if (b0 === CR) {
      pos += buf[pos + 1] === LF ? 2 : 1;
      line++;
      continue;
    }
    const rowLine = line;
    if (cols !== null && rows === cols.capacity) {
      cols.grow();
      ({ starts, ends, flags } = cols);
    }
    let c = 0; // fields read on this row
    for (;;) {
      let start = pos;
      let end: number;
      let flag = FIELD_PLAIN;
      if (buf[pos] === QUOTE) {
        // Quoted field: find the closing quote; doubled quotes and text after the close are kept.
        let p = pos + 1;
        let complex = false;
        for (;;) {
          if (p >= n) throw new CsvError(`${source}: line ${rowLine}: a quoted field is never closed`);
          const b = buf[p]!;
          if (b === QUOTE) {
            if (buf[p + 1] === QUOTE) {
              complex = true;
              p += 2;
              continue;
            }
            break;
          }
          if (b === LF) line++;
          else if (b === CR && buf[p + 1] !== LF) line++;
          p++;
        }
        let q = p + 1; // after the closing quote
        while (q < n && buf[q] !== COMMA && buf[q] !== LF && buf[q] !== CR) q++;
        if (q > p + 1) complex = true;
        if (complex) {
          flag = FIELD_QUOTED_COMPLEX;
          end = q;
        } else {
          flag = FIELD_QUOTED;
          start = pos + 1;
          end = p;
        }
        pos = q;
      } else {
        let p = pos;
        for (; p < n; p++) {
          const b = buf[p]!;
          if (b <= COMMA && (b === COMMA || b === LF || b === CR)) break; // digits and letters are above ','
        }
        end = p;
        pos = p;
      }
      if (header === null) headerFields.push([start, end, flag]);
      else {
        if (c >= width) throw tooWide(source, rowLine, width, countFields(buf, pos, c + 1));
        starts[c]![rows] = start;
        ends[c]![rows] = end;
        if (flag !== FIELD_PLAIN) flags[c]![rows] = flag;
      }
      c++;
      if (pos < n && buf[pos] === COMMA) {
        pos++;
        if (pos < n && buf[pos] !== LF && buf[pos] !== CR) continue;
        // A trailing comma: one more empty field.
        if (header === null) headerFields.push([pos, pos, FIELD_PLAIN]);
        else {
          if (c >= width) throw tooWide(source, rowLine, width, c + 1);
          starts[c]![rows] = pos;
          ends[c]![rows] = pos;
        }
        c++;
      }
      // End of the line (or of the file).
      if (pos < n) {
        pos += buf[pos] === CR && buf[pos + 1] === LF ? 2 : 1;
        line++;
      }
      break;
    }
    if (header === null) {
      header = mangleHeader(headerFields.map(([s, e, f]) => decodeField(buf, s, e, f)));
      width = header.length;
      cols = new Columns(width, expectedRows(buf, pos));
      ({ starts, ends, flags } = cols);
    } else {
      for (; c < width; c++) flags[c]![rows] = FIELD_MISSING; // offsets stay 0
      rows++;
    }
  }
  if (header === null) return new Table(buf, [], [], 0, source);
  return new Table(buf, header, cols!.finish(rows), rows, source);
}

/** Rows left after `from`, estimated from the line ends in the next 64 KiB (a little over, rarely under). */
function expectedRows(buf: Buffer, from: number): number {
  const sample = Math.min(buf.length - from, 65536);
  let lines = 0;
  for (let p = from; p < from + sample; p++) if (buf[p] === LF) lines++;
  if (sample <= 0 || lines === 0) return 1024;
  return Math.ceil(((buf.length - from) / sample) * lines * 1.02) + 16;
}

function tooWide(source: string, line: number, width: number, count: number): CsvError {
  return new CsvError(
    `${source}: line ${line} has ${count} fields but the header has ${width} (pandas: "Expected ${width} fields in line ${line}, saw ${count}")`,
  );
}

/** Counts the remaining fields of a row for the error message (quotes respected). */
function countFields(buf: Buffer, pos: number, seen: number): number {
  let count = seen;
  let quoted = false;
  for (let p = pos; p < buf.length; p++) {
    const b = buf[p]!;
    if (b === QUOTE) quoted = !quoted;
    else if (!quoted && b === COMMA) count++;
    else if (!quoted && (b === LF || b === CR)) break;
  }
  return count;
}

/** Decodes one field's text (quotes removed, doubled quotes collapsed). */
export function decodeField(buf: Buffer, start: number, end: number, flag: number): string {
  if (flag === FIELD_MISSING) return '';
  if (flag !== FIELD_QUOTED_COMPLEX) return buf.toString('utf8', start, end);
  // Raw range starts at the opening quote: "ab""c"de → ab"cde
  const parts: Buffer[] = [];
  let p = start + 1;
  let segment = p;
  for (;;) {
    if (buf[p] === QUOTE) {
      if (buf[p + 1] === QUOTE && p + 1 < end) {
        parts.push(buf.subarray(segment, p + 1));
        p += 2;
        segment = p;
        continue;
      }
      parts.push(buf.subarray(segment, p));
      parts.push(buf.subarray(p + 1, end));
      break;
    }
    p++;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** pandas names: an empty header becomes "Unnamed: i"; a repeated name gets ".1", ".2", … */
function mangleHeader(names: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  names.forEach((raw, i) => {
    let name = raw === '' ? `Unnamed: ${i}` : raw;
    if (seen.has(name)) {
      let k = 1;
      while (seen.has(`${name}.${k}`)) k++;
      name = `${name}.${k}`;
    }
    seen.add(name);
    out.push(name);
  });
  return out;
}
