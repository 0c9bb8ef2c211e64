import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Leak } from '@aira/competitions';
import { csvRecords } from '../csv/read.js';
import { CsvWriter } from '../csv/write.js';

/** What HCE did about one leaking file (kept in hce.json). */
export interface LeakOutcome {
  path: string;
  action: Leak['action'];
  outcome: 'withheld' | 'stripped';
  reason: string;
  note?: string;
}

export interface HiddenRows {
  /** Unit or id values of the hidden rows. */
  keys: Set<string>;
  /** Columns a side table may hold those values in, best first. */
  keyColumns: string[];
}

export const NO_HIDDEN_ROWS = 'no hidden rows in this folder';

/** Columns to drop for a strip-labels / drop-columns leak. */
function columnsOf(leak: Leak, labels: readonly string[]): string[] | null {
  if (leak.action === 'strip-labels') return leak.columns ?? [...labels];
  if (leak.action === 'drop-columns') return leak.columns ?? null;
  return null;
}

/**
 * Applies a manifest leak entry (competitions' Leak: withhold, strip-hidden-rows, strip-labels,
 * drop-columns) to one public file while it is copied into an HCE folder. Tables (CSV, a JSON
 * array of objects, JSON Lines) are stripped; anything else that must be stripped is withheld,
 * since HCE cannot rewrite it safely. Returns the outcome (null: nothing to do).
 */
export async function applyLeak(
  src: string,
  dst: string,
  rel: string,
  leak: Leak,
  labels: readonly string[],
  hidden: HiddenRows | null | 'none',
): Promise<LeakOutcome> {
  const base = { path: rel, action: leak.action, reason: leak.reason };
  if (leak.action === 'withhold') return { ...base, outcome: 'withheld' };
  const drop = columnsOf(leak, labels);
  if (leak.action === 'drop-columns' && !drop)
    return { ...base, outcome: 'withheld', note: 'drop-columns without columns' };
  if (leak.action === 'strip-hidden-rows') {
    // No hidden part (the no-HCE folder): nothing of this file is hidden.
    if (hidden === 'none') return { ...base, outcome: 'stripped', note: NO_HIDDEN_ROWS };
    // A splitter that does not say which rows it hid: the file cannot be stripped, so it is withheld.
    if (hidden === null)
      return { ...base, outcome: 'withheld', note: 'the splitter did not say which rows are hidden' };
  }
  const keys = hidden as HiddenRows;
  const ext = extname(src).toLowerCase();
  if (ext === '.csv') {
    let keep: (cells: string[]) => boolean = () => true;
    let cols: number[] = [];
    let first = true;
    const out = new CsvWriter(dst);
    try {
      for await (const r of csvRecords(src)) {
        if (first) {
          first = false;
          const header = r.cells;
          if (drop) {
            cols = header.map((_, i) => i).filter((i) => !drop.includes(header[i]!));
          } else {
            cols = header.map((_, i) => i);
            const key = keys.keyColumns.find((c) => header.includes(c));
            if (key === undefined) {
              await out.close();
              return {
                ...base,
                outcome: 'withheld',
                note: `no column to match hidden rows (${keys.keyColumns.join(', ')})`,
              };
            }
            const k = header.indexOf(key);
            keep = (cells) => !keys.keys.has(cells[k]!);
          }
          await out.row(cols.map((i) => header[i]!));
          continue;
        }
        if (keep(r.cells)) await out.row(cols.map((i) => r.cells[i]!));
      }
    } finally {
      await out.close().catch(() => undefined);
    }
    return { ...base, outcome: 'stripped' };
  }
  if (ext === '.json' || ext === '.jsonl' || ext === '.ndjson') {
    const text = readFileSync(src, 'utf8');
    const lines = ext === '.json' ? null : text.split('\n').filter((l) => l.trim() !== '');
    let records: unknown;
    try {
      records = lines ? lines.map((l) => JSON.parse(l) as unknown) : (JSON.parse(text) as unknown);
    } catch {
      return { ...base, outcome: 'withheld', note: 'not parseable as JSON' };
    }
    if (!Array.isArray(records) || !records.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
      return { ...base, outcome: 'withheld', note: 'not a list of records' };
    }
    let rows = records as Array<Record<string, unknown>>;
    if (drop)
      rows = rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !drop.includes(k))));
    else {
      const key = keys.keyColumns.find((c) => rows.some((r) => c in r));
      if (key === undefined) return { ...base, outcome: 'withheld', note: 'no field to match hidden rows' };
      rows = rows.filter((r) => !keys.keys.has(String(r[key])));
    }
    writeFileSync(dst, lines ? rows.map((r) => JSON.stringify(r)).join('\n') + '\n' : JSON.stringify(rows));
    return { ...base, outcome: 'stripped' };
  }
  return { ...base, outcome: 'withheld', note: `cannot ${leak.action} a ${ext || 'binary'} file` };
}
