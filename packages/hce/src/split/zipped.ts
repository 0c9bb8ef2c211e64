import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { ConfigError } from '@aira/core';
import { streamZip, ZipWriter } from '../recipes/archive.js';
import { csvBatches } from '../csv/read.js';
import { csvLine } from '../csv/write.js';

/**
 * A table MLE-bench keeps zipped in the public folder (invasive-species' train_labels.csv.zip,
 * movie-review's train.tsv.zip): one entry, CSV, or TSV when the entry's name ends in .tsv
 * (Kaggle's TSVs are unquoted: a cell is everything between tabs).
 */
export interface ZippedTable {
  /** The entry's name inside the zip, kept when the part is zipped again. */
  entry: string;
  tsv: boolean;
}

/** Unpacks the one table of `zip` into `csvOut` as CSV (TSV converted cell by cell); `field` names the manifest field in errors. */
export async function unzipTable(zip: string, csvOut: string, field: string): Promise<ZippedTable> {
  mkdirSync(dirname(csvOut), { recursive: true });
  const out = createWriteStream(csvOut);
  const entries: string[] = [];
  let tsv = false;
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const tsvLines = (text: string, final: boolean) => {
    const lines = (rest + text).split('\n');
    rest = final ? '' : lines.pop()!;
    for (const l of lines) {
      const line = l.endsWith('\r') ? l.slice(0, -1) : l;
      if (line !== '') out.write(`${csvLine(line.split('\t'))}\n`);
    }
  };
  await streamZip(
    zip,
    (name) => {
      entries.push(name);
      if (entries.length > 1 || !/\.(csv|tsv)$/i.test(name)) return null;
      tsv = /\.tsv$/i.test(name);
      return (chunk, final) => {
        if (!tsv) out.write(chunk);
        else
          tsvLines(
            decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)) +
              (final ? decoder.end() : ''),
            final,
          );
      };
    },
    async () => {
      if (out.writableNeedDrain) await new Promise<void>((r) => out.once('drain', r));
    },
  );
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  const how =
    'the built-in splitter reads CSV only (or a zip of one CSV or TSV), so this competition needs split.method "custom" with an HCE recipe or a plugin split()';
  if (entries.length !== 1)
    throw new ConfigError(
      `${field}: ${zip} is a zip archive of ${entries.length} files (${entries.slice(0, 3).join(', ')}); ${how}`,
    );
  if (!/\.(csv|tsv)$/i.test(entries[0]!))
    throw new ConfigError(`${field}: ${zip} is a zip archive of ${entries[0]}, not a CSV or TSV; ${how}`);
  return { entry: entries[0]!, tsv };
}

/** Zips the CSV `csv` to `zipOut` as `table.entry`, in the table's own format (TSV back to tabs). */
export async function zipTable(csv: string, table: ZippedTable, zipOut: string): Promise<void> {
  const zip = new ZipWriter(zipOut);
  const entry = zip.entry(table.entry);
  for await (const batch of csvBatches(csv)) {
    const text = batch
      .map((r) => (table.tsv ? `${r.cells.join('\t')}\n` : r.raw.endsWith('\n') ? r.raw : `${r.raw}\n`))
      .join('');
    await entry.push(text);
  }
  await entry.push(new Uint8Array(0), true);
  await zip.close();
}
