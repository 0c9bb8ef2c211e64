import { ConfigError } from '@aira/core';
import type { SplitSpec } from '@aira/competitions';
import { csvBatches } from '../csv/read.js';
import { csvLine, CsvWriter } from '../csv/write.js';
import { assignUnits, SEARCH, TRAIN, VALIDATION, type Fractions, type Part } from './assign.js';
import { Columns } from './columns.js';
import { fileFormat } from './format.js';
import { GrowU32, Interner } from './grow.js';

export type HiddenPart = 'search' | 'validation';
export const HIDDEN_PARTS: readonly HiddenPart[] = ['search', 'validation'];

export interface LabelledSplit {
  header: string[];
  /** The labelled rows of each hidden part, in file order. */
  hidden: Record<HiddenPart, string[][]>;
  counts: Record<Part, { rows: number; units: number }>;
  /** Values of the unit column (group units) or of the first id column (row units) per hidden part. */
  hiddenKeys: Set<string>;
  /** Column holding the hidden keys (for stripping hidden rows from side tables). */
  keyColumn: string;
  /** How parts were chosen, for hce.json. */
  method: string;
}

const DAY = 86_400_000;

/** A day number from a date cell ("2020-09-22", "2020-09-22 10:11:12", ISO), or NaN. */
export function dayOf(value: string): number {
  const v = value.trim();
  const ms = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(`${v.slice(0, 10)}T00:00:00Z`) : Date.parse(v);
  return Math.floor(ms / DAY);
}

export interface SplitLabelledOptions {
  /** The labelled CSV (absolute). */
  file: string;
  /** Where the train part goes (the labelled file's header and rows, bytes unchanged). */
  trainOut: string;
  spec: SplitSpec;
  fractions: Fractions;
  seed: number;
  /** Manifest file, for error messages. */
  manifest: string;
  /** Rewrites train rows (e.g. renumbered ids); default: each row's bytes unchanged. */
  trainRow?: (cells: string[], index: number) => string[];
}

/**
 * The built-in HCE split of one labelled CSV (docs/paper.md §HCE; the split unit follows
 * docs/mlebench-layouts.md §HCE): two streaming passes, so the file is
 * never held in memory. Pass 1 collects each row's unit (the row, a group column, or a time
 * window) and stratum; units are assigned to parts; pass 2 copies train rows byte for byte into
 * the public labelled file and keeps the hidden rows' cells for answers and inputs.
 */
export async function splitLabelled(o: SplitLabelledOptions): Promise<LabelledSplit> {
  const { spec } = o;
  const where = `${o.manifest}: split`;
  const unit = spec.unit;
  if (unit.by === 'custom')
    throw new ConfigError(
      `${where}.unit: "custom" units need the plugin's split() (or an HCE recipe); the built-in splitter cannot form them`,
    );
  const format = fileFormat(o.file);
  if (format !== 'csv')
    throw new ConfigError(
      `${where}.labelled: ${o.file} is a ${format}, not a CSV; the built-in splitter reads CSV only`,
    );
  let header: string[] | undefined;
  let cols!: Columns;
  let unitCol = -1;
  let strataCol = -1;
  let timeCol = -1;
  const units = new Interner();
  const rowUnit = new GrowU32();
  const rowDay: number[] = [];
  const strata = new Interner();
  const unitStratum = new GrowU32();
  const unitRows = new GrowU32();
  let rows = 0;
  for await (const batch of csvBatches(o.file))
    for (const r of batch) {
      if (!header) {
        header = r.cells;
        cols = new Columns(header, o.file);
        spec.id.forEach((c) => cols.require(c, `${where}.id`));
        spec.label.forEach((c) => cols.require(c, `${where}.label`));
        if (unit.by === 'column') unitCol = cols.require(unit.column, `${where}.unit.column`);
        if (unit.by === 'time') timeCol = cols.require(unit.column, `${where}.unit.column`);
        if (spec.stratify) strataCol = cols.require(spec.stratify, `${where}.stratify`);
        continue;
      }
      if (unit.by === 'time') {
        const d = dayOf(r.cell(timeCol));
        if (!Number.isFinite(d))
          throw new ConfigError(
            `${o.file}:${r.line}: "${unit.column}" is not a date: "${r.cell(timeCol)}" (${where}.unit is a time window)`,
          );
        rowDay.push(d);
      } else {
        const u = unitCol >= 0 ? units.code(r.cell(unitCol)) : rows;
        if (unitCol < 0 || u === unitRows.length) {
          unitRows.push(0);
          // A group's stratum is its first row's value (groups of one class are the usual case).
          if (strataCol >= 0) unitStratum.push(strata.code(r.cell(strataCol)));
        }
        if (unitCol >= 0) rowUnit.push(u);
        const view = unitRows.view();
        view[u] = view[u]! + 1;
      }
      rows++;
    }
  if (!header) throw new ConfigError(`${o.file}: the labelled file is empty (${where}.labelled)`);

  // Part of each unit, then of each row.
  let partOfRow: (row: number) => number;
  let method: string;
  const unitCount: Record<Part, number> = { train: 0, search: 0, validation: 0 };
  if (unit.by === 'time') {
    // Time windows (docs/mlebench-layouts.md §HCE, h-and-m): validation = the last window, search = the
    // one before it, train = everything earlier; fractions do not apply.
    const w = Number(unit.window.replace(/d$/, ''));
    const last = rowDay.reduce((m, d) => Math.max(m, d), -Infinity);
    const codes = Uint8Array.from(rowDay, (d) =>
      d > last - w ? VALIDATION : d > last - 2 * w ? SEARCH : TRAIN,
    );
    partOfRow = (i) => codes[i]!;
    method = `time windows of ${w} days on ${unit.column}: validation = the last, search = the one before, train = earlier`;
    for (const c of codes) unitCount[c === TRAIN ? 'train' : c === SEARCH ? 'search' : 'validation']++;
  } else {
    const n = unitRows.length;
    let unitStrata: Uint32Array | undefined;
    if (strataCol >= 0) {
      const remap = strata.sortedRemap();
      unitStrata = Uint32Array.from(unitStratum.view(), (c) => remap[c]!);
    }
    const parts = assignUnits({
      units: n,
      rows: unitRows.view(),
      strata: unitStrata,
      fractions: o.fractions,
      seed: o.seed,
      maxRowsPerPart: spec.maxRowsPerPart,
    });
    const ru = rowUnit.view();
    partOfRow = unitCol >= 0 ? (i) => parts[ru[i]!]! : (i) => parts[i]!;
    for (const p of parts) unitCount[p === TRAIN ? 'train' : p === SEARCH ? 'search' : 'validation']++;
    method = `${unit.by === 'row' ? 'rows' : `groups of "${unit.column}"`} assigned at random${spec.stratify ? `, stratified by "${spec.stratify}"` : ''}${spec.maxRowsPerPart ? `, hidden parts capped at ${spec.maxRowsPerPart} rows` : ''}`;
  }

  // Pass 2.
  const keyColumn = unit.by === 'column' ? unit.column : spec.id[0]!;
  const keyIdx = cols.require(keyColumn, `${where}.id`);
  const hidden: Record<HiddenPart, string[][]> = { search: [], validation: [] };
  const hiddenKeys = new Set<string>();
  const counts: LabelledSplit['counts'] = {
    train: { rows: 0, units: unitCount.train },
    search: { rows: 0, units: unitCount.search },
    validation: { rows: 0, units: unitCount.validation },
  };
  const out = new CsvWriter(o.trainOut);
  let i = -1;
  try {
    for await (const batch of csvBatches(o.file))
      for (const r of batch) {
        if (i < 0) {
          await out.raw(r.raw.endsWith('\n') ? r.raw : `${r.raw}\n`);
          i = 0;
          continue;
        }
        const p = partOfRow(i++);
        if (p === TRAIN) {
          const full = o.trainRow
            ? out.push(csvLine(o.trainRow(r.cells, counts.train.rows)))
            : out.push(r.raw.endsWith('\n') ? r.raw : `${r.raw}\n`);
          if (full) await out.flush();
          counts.train.rows++;
        } else {
          const name: HiddenPart = p === SEARCH ? 'search' : 'validation';
          counts[name].rows++;
          hidden[name].push(r.cells);
          hiddenKeys.add(r.cells[keyIdx]!);
        }
      }
  } finally {
    await out.close();
  }
  if (i !== rows)
    throw new ConfigError(`${o.file} changed while it was being split (${rows} rows, then ${i})`);
  if (counts.search.rows === 0 || counts.validation.rows === 0)
    throw new ConfigError(
      `${where}: a hidden part came out empty (search ${counts.search.rows} rows, validation ${counts.validation.rows}); the labelled data is too small or too short in time`,
    );
  return { header, hidden, counts, hiddenKeys, keyColumn, method };
}
