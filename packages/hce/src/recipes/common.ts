import { createReadStream, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigError } from '@aira/core';
import { csvBatches, readCsvRecords } from '../csv/read.js';
import { CsvWriter, writeTable } from '../csv/write.js';

export { writeTable };
import { Columns } from '../split/columns.js';
import { linkOrCopy } from '../split/files.js';
import { assignUnits, SEARCH, TRAIN } from '../split/assign.js';
import type { HiddenPart } from '../split/labelled.js';
import type { SplitterContext } from '../split/types.js';

/** Where a recipe's errors point: the manifest's split section. */
export const whereOf = (ctx: SplitterContext) => `${ctx.competition.paths.manifest}: split`;

/** An absolute path in the competition's public folder that must exist. */
export function sourceFile(ctx: SplitterContext, rel: string): string {
  const p = join(ctx.source, rel);
  if (!existsSync(p)) throw new ConfigError(`${whereOf(ctx)}: ${p} is missing (is the data prepared?)`);
  return p;
}

/** Part of each unit (by key), drawn with HCE's one assignment (80/10/10 by default, seeded). */
export function assignKeys(
  ctx: SplitterContext,
  keys: readonly string[],
  opts: { strata?: ArrayLike<number>; rows?: ArrayLike<number>; maxRowsPerPart?: number } = {},
): Map<string, 'train' | HiddenPart> {
  const parts = assignUnits({ units: keys.length, fractions: ctx.fractions, seed: ctx.seed, ...opts });
  return new Map(
    keys.map((k, i) => [k, parts[i] === TRAIN ? 'train' : parts[i] === SEARCH ? 'search' : 'validation']),
  );
}

/** The lines of a text file, streamed (JSON Lines files can be many GB). */
export async function* fileLines(path: string): AsyncGenerator<{ text: string; line: number }> {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() !== '') yield { text, line };
  }
}

/** One JSON object per line; an unparseable line is an error naming file:line. */
export async function* jsonLines(
  path: string,
): AsyncGenerator<{ record: Record<string, unknown>; text: string; line: number }> {
  for await (const { text, line } of fileLines(path)) {
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`${path}:${line}: not a JSON object (${(err as Error).message.split('\n')[0]})`);
    }
    if (!record || typeof record !== 'object' || Array.isArray(record))
      throw new ConfigError(`${path}:${line}: not a JSON object`);
    yield { record: record as Record<string, unknown>, text, line };
  }
}

export const counts = (
  train: number,
  search: number,
  validation: number,
  rows?: Partial<Record<'train' | HiddenPart, number>>,
) => ({
  train: { units: train, rows: rows?.train ?? train },
  search: { units: search, rows: rows?.search ?? search },
  validation: { units: validation, rows: rows?.validation ?? validation },
});

/** Rows per part of a partitioned CSV. */
export const rowsOf = (split: { train: number; hidden: Record<HiddenPart, unknown[]> }) => ({
  train: split.train,
  search: split.hidden.search.length,
  validation: split.hidden.validation.length,
});

/** Counts of a split whose unit is the row. */
export const rowCounts = (split: { train: number; hidden: Record<HiddenPart, unknown[]> }) => {
  const r = rowsOf(split);
  return counts(r.train, r.search, r.validation);
};

/** Counts of a split by units (each in its part, train when in neither hidden part), with the rows per part. */
export function unitCounts<K>(
  units: readonly K[],
  partOf: (unit: K) => string | undefined,
  rows?: Partial<Record<'train' | HiddenPart, number>>,
) {
  let search = 0;
  let validation = 0;
  for (const u of units) {
    const p = partOf(u);
    if (p === 'search') search++;
    else if (p === 'validation') validation++;
  }
  return counts(units.length - search - validation, search, validation, rows);
}

/** Each hidden part's media, moved into a folder named after the part. */
export const partFolders = (): Record<HiddenPart, string[]> => ({
  search: ['search'],
  validation: ['validation'],
});

/** Pass over a CSV's data rows (header first, as `header`), streamed. */
export async function scanCsv(
  file: string,
  fn: (cells: string[], line: number, header: Columns) => void,
): Promise<Columns> {
  let header: Columns | undefined;
  for await (const batch of csvBatches(file))
    for (const r of batch) {
      if (!header) header = new Columns(r.cells, file);
      else fn(r.cells, r.line, header);
    }
  if (!header) throw new ConfigError(`${file}: empty CSV (no header)`);
  return header;
}

/** The distinct values of one column (a split unit: plays, patients…) in first-seen order, and the header. */
export async function unitsOf(
  file: string,
  column: string,
  where: string,
): Promise<{ header: Columns; units: string[] }> {
  const units: string[] = [];
  const seen = new Set<string>();
  const header = await scanCsv(file, (cells, _l, h) => {
    const u = cells[h.require(column, where)]!;
    if (!seen.has(u)) {
      seen.add(u);
      units.push(u);
    }
  });
  return { header, units };
}

/**
 * Copies the train rows of a CSV byte for byte to `trainOut` (header included) and returns the
 * hidden rows' cells per part, in file order, or streams them to `hiddenOut`. `partOf` decides
 * each data row's part.
 */
export async function partitionCsv(
  file: string,
  trainOut: string,
  partOf: (cells: string[], index: number, header: Columns) => 'train' | HiddenPart,
  /** Write each hidden part's rows (header first, bytes unchanged) to these files instead of keeping them. */
  hiddenOut?: Record<HiddenPart, string>,
): Promise<{
  header: Columns;
  hidden: Record<HiddenPart, string[][]>;
  train: number;
  counts: Record<HiddenPart, number>;
}> {
  mkdirSync(dirname(trainOut), { recursive: true });
  const out = new CsvWriter(trainOut);
  const outs = hiddenOut
    ? { search: new CsvWriter(hiddenOut.search), validation: new CsvWriter(hiddenOut.validation) }
    : null;
  let header: Columns | undefined;
  const hidden: Record<HiddenPart, string[][]> = { search: [], validation: [] };
  const n: Record<HiddenPart, number> = { search: 0, validation: 0 };
  let train = 0;
  let i = 0;
  try {
    for await (const batch of csvBatches(file))
      for (const r of batch) {
        const raw = r.raw.endsWith('\n') ? r.raw : `${r.raw}\n`;
        if (!header) {
          header = new Columns(r.cells, file);
          await out.raw(raw);
          if (outs) for (const w of Object.values(outs)) await w.raw(raw);
          continue;
        }
        const p = partOf(r.cells, i++, header);
        if (p === 'train') {
          if (out.push(raw)) await out.flush();
          train++;
        } else {
          n[p]++;
          if (outs) {
            if (outs[p].push(raw)) await outs[p].flush();
          } else hidden[p].push(r.cells);
        }
      }
  } finally {
    await out.close();
    if (outs) for (const w of Object.values(outs)) await w.close();
  }
  if (!header) throw new ConfigError(`${file}: empty CSV (no header)`);
  return { header, hidden, train, counts: n };
}

/**
 * Puts a public file under a new name in the HCE public folder (hidden media leave the train
 * tree, as MLE-bench moves its test media) and returns the source path to skip, so the original
 * is not carried over. A missing source is skipped silently (media are optional in a layout).
 */
export function moveMedia(ctx: SplitterContext, fromRel: string, toRel: string): string {
  const src = join(ctx.source, fromRel);
  if (existsSync(src)) linkOrCopy(src, join(ctx.outPublic, toRel));
  return fromRel;
}

/** The values of one column of a (small) CSV, in order. */
export async function columnOf(file: string, column: string): Promise<string[]> {
  const t = await readCsvRecords(file);
  const i = t.header.cells.indexOf(column);
  if (i < 0)
    throw new ConfigError(`${file} has no column "${column}" (columns: ${t.header.cells.join(', ')})`);
  return t.rows.map((r) => r.cells[i]!);
}
