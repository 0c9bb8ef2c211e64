import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@aira/core';
import { listFiles } from '../split/files.js';
import { HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';
import type { Splitter } from '../split/types.js';
import {
  assignKeys,
  moveMedia,
  partFolders,
  partitionCsv,
  rowsOf,
  sourceFile,
  unitCounts,
  unitsOf,
  whereOf,
  writeTable,
} from './common.js';

/** pandas writes an int column that gained NaN (the grid's unmeasured weeks) as floats. */
const asFloat = (v: string) => (/^-?\d+$/.test(v) ? `${v}.0` : v);

/**
 * osic-pulmonary-fibrosis-progression (docs/hce-recipes.md): a patient is the unit. As MLE-bench
 * builds its test: the hidden input (`search.csv` / `validation.csv`) is each hidden patient's
 * first visit (earliest week), sorted by patient; the answers are the dense grid of every hidden
 * patient × every week from that part's own min to max week, measured weeks carrying the visit
 * (FVC and Age as floats), the rest empty, plus Patient_Week and Confidence = 100; the sample
 * predicts FVC 2000, Confidence 100 over the grid. CT folders move from train/ to the part's folder.
 */
export const osicSplitter: Splitter = async (ctx) => {
  const where = whereOf(ctx);
  const file = sourceFile(ctx, 'train.csv');
  const { header, units: patients } = await unitsOf(file, 'Patient', `${where}.unit.column`);
  const pi = header.require('Patient', `${where}.unit.column`);
  const wi = header.require('Weeks', `${where}.id`);
  const fi = header.require('FVC', `${where}.label`);
  const ai = header.get('Age');
  const partOf = assignKeys(ctx, patients);
  const split = await partitionCsv(file, join(ctx.outPublic, 'train.csv'), (cells) =>
    partOf.get(cells[pi]!)!,
  );
  const cols = header.header;
  const answers = {} as Record<HiddenPart, string>;
  const samples = {} as Record<HiddenPart, string>;
  const inputs = { search: [] as string[], validation: [] as string[] };
  const skip = ['train.csv'];
  for (const p of HIDDEN_PARTS) {
    const rows = split.hidden[p];
    const week = (r: string[]) => {
      const w = Number(r[wi]);
      if (!Number.isInteger(w))
        throw new ConfigError(`${file}: Weeks "${r[wi]}" of patient ${r[pi]} is not an integer`);
      return w;
    };
    const order = [...new Set(rows.map((r) => r[pi]!))];
    const first = order
      .map((id) => rows.filter((r) => r[pi] === id).reduce((a, b) => (week(b) < week(a) ? b : a)))
      .sort((a, b) => (a[pi]! < b[pi]! ? -1 : a[pi]! > b[pi]! ? 1 : 0));
    inputs[p].push(`${p}.csv`);
    await writeTable(join(ctx.outPublic, `${p}.csv`), cols, first);
    const weeks = rows.map(week);
    const lo = Math.min(...weeks);
    const hi = Math.max(...weeks);
    const grid: string[][] = [];
    for (const id of order) {
      for (let w = lo; w <= hi; w++) {
        const measured = rows.filter((r) => r[pi] === id && week(r) === w);
        const pw = `${id}_${w}`;
        if (measured.length === 0)
          grid.push(cols.map((_, i) => (i === pi ? id : i === wi ? String(w) : '')).concat([pw, '100']));
        for (const r of measured)
          grid.push(r.map((v, i) => (i === fi || i === ai ? asFloat(v) : v)).concat([pw, '100']));
      }
    }
    answers[p] = join(ctx.outHidden, `${p}.csv`);
    await writeTable(answers[p], [...cols, 'Patient_Week', 'Confidence'], grid);
    samples[p] = `sample_submission_${p}.csv`;
    await writeTable(
      join(ctx.outPublic, samples[p]),
      ['Patient_Week', 'FVC', 'Confidence'],
      grid.map((g) => [g[cols.length]!, '2000', '100']),
    );
    for (const id of order) {
      const dir = join(ctx.source, 'train', id);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
      for (const f of listFiles(dir)) moveMedia(ctx, `train/${id}/${f}`, `${p}/${id}/${f}`);
      skip.push(`train/${id}`);
    }
  }
  return {
    answers,
    inputs,
    samples,
    media: partFolders(),
    skip,
    hidden: {
      keys: new Set([...partOf].filter(([, v]) => v !== 'train').map(([k]) => k)),
      keyColumns: ['Patient'],
    },
    counts: unitCounts(patients, (k) => partOf.get(k), rowsOf(split)),
    method:
      'patients assigned at random; hidden inputs are first visits, answers the dense Patient × week grid of each part, as MLE-bench builds its test',
  };
};
