import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { zipSync } from 'fflate';

export function writeFile(path: string, content: string | Uint8Array): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** A CSV as pandas' `to_csv(index=False)` writes it: minimal quoting, `\n` line ends. */
export function writeCsv(
  path: string,
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  return writeFile(
    path,
    stringify([header as string[], ...rows.map((r) => r.map(String))], { record_delimiter: '\n' }),
  );
}

/**
 * CSV text with options the writers of some competitions used: `quoteStrings` quotes every
 * non-number cell and the header (pandas' QUOTE_NONNUMERIC), `delimiter` for TSV.
 */
export function csvText(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
  o: { quoteStrings?: boolean; delimiter?: string } = {},
): string {
  if (!o.quoteStrings)
    return stringify([header as string[], ...rows.map((r) => r.map(String))], {
      record_delimiter: '\n',
      delimiter: o.delimiter ?? ',',
    });
  const cell = (v: string | number) => (typeof v === 'number' ? String(v) : `"${v.replace(/"/g, '""')}"`);
  return [header, ...rows].map((r) => r.map(cell).join(o.delimiter ?? ',')).join('\n') + '\n';
}

/** A zip archive of the given entries (name inside the archive → bytes). */
export function writeZip(path: string, entries: Record<string, string | Uint8Array>): string {
  const files: Record<string, Uint8Array> = {};
  for (const [name, v] of Object.entries(entries))
    files[name] = typeof v === 'string' ? new TextEncoder().encode(v) : v;
  return writeFile(path, zipSync(files, { level: 1, mtime: new Date('2020-01-01T00:00:00Z') }));
}
