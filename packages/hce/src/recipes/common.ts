import { createReadStream, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigError } from '@aira/core';
import { CsvWriter } from '../csv/write.js';
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
export function assignKeys(ctx: SplitterContext, keys: readonly string[], opts: { strata?: ArrayLike<number>; rows?: ArrayLike<number>; maxRowsPerPart?: number } = {}): Map<string, 'train' | HiddenPart> {
  const parts = assignUnits({ units: keys.length, fractions: ctx.fractions, seed: ctx.seed, ...opts });
  return new Map(keys.map((k, i) => [k, parts[i] === TRAIN ? 'train' : parts[i] === SEARCH ? 'search' : 'validation']));
}

/** Writes a CSV (header + rows) the way pandas' to_csv(index=False) quotes; creates folders. */
export async function writeTable(path: string, header: readonly string[], rows: Iterable<readonly string[]>): Promise<number> {
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
export async function* jsonLines(path: string): AsyncGenerator<{ record: Record<string, unknown>; text: string; line: number }> {
  for await (const { text, line } of fileLines(path)) {
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`${path}:${line}: not a JSON object (${(err as Error).message.split('\n')[0]})`);
    }
    if (!record || typeof record !== 'object' || Array.isArray(record)) throw new ConfigError(`${path}:${line}: not a JSON object`);
    yield { record: record as Record<string, unknown>, text, line };
  }
}

export const counts = (train: number, search: number, validation: number, rows?: Partial<Record<'train' | HiddenPart, number>>) => ({
  train: { units: train, rows: rows?.train ?? train },
  search: { units: search, rows: rows?.search ?? search },
  validation: { units: validation, rows: rows?.validation ?? validation },
});
