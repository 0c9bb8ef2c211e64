import { readFile } from 'node:fs/promises';

/** A parsed CSV: the header and one record per row, keyed by column. */
export interface CsvTable {
  columns: string[];
  rows: Array<Record<string, string>>;
}

/**
 * Reads an RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF, newlines inside quotes),
 * for plugin graders written in TypeScript. Cells stay strings; a row whose length differs from
 * the header is an error naming the file and line.
 */
export async function readCsv(path: string): Promise<CsvTable> {
  return parseCsv(await readFile(path, 'utf8'), path);
}

export function parseCsv(text: string, source = 'csv'): CsvTable {
  const records: Array<{ cells: string[]; line: number }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) records.push({ cells, line: start });
    cells = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else cell += ch;
  }
  if (quoted) throw new Error(`${source}:${start}: unterminated quoted field`);
  if (cell !== '' || cells.length) endRecord();
  const [header, ...body] = records;
  if (!header) return { columns: [], rows: [] };
  const columns = header.cells;
  const rows = body.map(({ cells: r, line: at }) => {
    if (r.length !== columns.length) throw new Error(`${source}:${at}: ${r.length} fields, header has ${columns.length}`);
    return Object.fromEntries(columns.map((c, k) => [c, r[k]!]));
  });
  return { columns, rows };
}
