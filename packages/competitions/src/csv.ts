import {
  CsvError,
  FIELD_MISSING,
  parseCsv as parseTable,
  readCsv as readTable,
  type Table,
} from '@aira/grading';

/** A parsed CSV: the header and one record per row, keyed by column. */
export interface CsvTable {
  columns: string[];
  rows: Array<Record<string, string>>;
}

/**
 * Reads a CSV for plugin graders written in TypeScript, with @aira/grading's RFC 4180 reader
 * (quoted fields, doubled quotes, CRLF or LF, newlines inside quotes); this is only the
 * record-shaped view of its table. Cells stay strings; a row whose length differs from the header
 * is an error naming the file and line.
 */
export async function readCsv(path: string): Promise<CsvTable> {
  return records(readTable(path));
}

export function parseCsv(text: string, source = 'csv'): CsvTable {
  return records(parseTable(text, source));
}

function records(t: Table): CsvTable {
  const cols = Array.from({ length: t.width }, (_, k) => t.at(k));
  const rows: Array<Record<string, string>> = [];
  for (let i = 0; i < t.rowCount; i++) {
    // grading pads a short row like pandas; a grader here wants every field written.
    const written = cols.findIndex((c) => c.raw.flags[i] === FIELD_MISSING);
    if (written >= 0)
      throw new CsvError(
        `${t.source}:${lineAt(t.buf, cols[0]!.raw.starts[i]!)}: ${written} fields, header has ${t.width}`,
      );
    rows.push(Object.fromEntries(cols.map((c) => [c.name, c.text(i)])));
  }
  return { columns: [...t.columns], rows };
}

/** 1-based line of a byte offset, counting LF, CRLF and lone CR as the reader does. */
function lineAt(buf: Buffer, offset: number): number {
  let line = 1;
  for (let p = 0; p < offset; p++) if (buf[p] === 0x0a || (buf[p] === 0x0d && buf[p + 1] !== 0x0a)) line++;
  return line;
}
