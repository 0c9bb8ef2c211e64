import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@aira/core';
import { readCsvRecords } from '../csv/read.js';
import { CsvWriter } from '../csv/write.js';
import { assignUnits, SEARCH, TRAIN } from '../split/assign.js';
import { HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';
import { sampleFileName } from '../split/names.js';
import type { Splitter } from '../split/types.js';

const LABELS = 'essential_data/rec_labels_test_hidden.txt';
const FOLDS = 'essential_data/CVfolds_2.txt';
const SPECIES = 'essential_data/species_list.txt';

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

/**
 * mlsp-2013-birds (docs/mlebench-layouts.md §Per competition): the labelled recordings are the lines of
 * rec_labels_test_hidden.txt without "?"; a recording is the unit. Hidden recordings get "?" in
 * that file and fold 1 in CVfolds_2.txt, as MLE-bench marks its own test recordings; answers are
 * melted to Id = rec_id·100 + species with Probability 0/1, 19 rows per recording.
 */
export const mlsp2013Splitter: Splitter = async (ctx) => {
  const c = ctx.competition;
  const where = `${c.paths.manifest}: split`;
  const path = (rel: string) => {
    const p = join(ctx.source, rel);
    if (!existsSync(p)) throw new ConfigError(`${where}: ${p} is missing (is the data prepared?)`);
    return p;
  };
  const labelLines = lines(readFileSync(path(LABELS), 'utf8'));
  const [labelHeader, ...recLines] = labelLines;
  const labelled: Array<{ rec: string; species: Set<number> }> = [];
  for (const [k, line] of recLines.entries()) {
    const [rec, ...rest] = line.split(',');
    if (!/^\d+$/.test(rec ?? '')) throw new ConfigError(`${path(LABELS)}:${k + 2}: "${rec}" is not a rec_id`);
    if (rest.includes('?')) continue;
    labelled.push({ rec: rec!, species: new Set(rest.filter((s) => s.trim() !== '').map(Number)) });
  }
  const nSpecies = existsSync(join(ctx.source, SPECIES))
    ? lines(readFileSync(join(ctx.source, SPECIES), 'utf8')).length - 1
    : 19;
  const parts = assignUnits({ units: labelled.length, fractions: ctx.fractions, seed: ctx.seed });
  const partOf = new Map<string, HiddenPart>();
  labelled.forEach(
    (r, i) => parts[i] !== TRAIN && partOf.set(r.rec, parts[i] === SEARCH ? 'search' : 'validation'),
  );

  // The public label and fold files with hidden recordings masked like test recordings.
  mkdirSync(join(ctx.outPublic, 'essential_data'), { recursive: true });
  writeFileSync(
    join(ctx.outPublic, LABELS),
    [labelHeader, ...recLines.map((l) => (partOf.has(l.split(',')[0]!) ? `${l.split(',')[0]},?` : l))].join(
      '\n',
    ) + '\n',
    { flag: 'w' },
  );
  const folds = lines(readFileSync(path(FOLDS), 'utf8'));
  writeFileSync(
    join(ctx.outPublic, FOLDS),
    [
      folds[0],
      ...folds.slice(1).map((l) => (partOf.has(l.split(',')[0]!) ? `${l.split(',')[0]},1` : l)),
    ].join('\n') + '\n',
  );

  const sample = await readCsvRecords(c.paths.sampleSubmission);
  const dummy = sample.rows[0]?.cells[1] ?? '0';
  const answers = {} as Record<HiddenPart, string>;
  const samples = {} as Record<HiddenPart, string>;
  const counts: Record<string, { rows: number; units: number }> = { train: { rows: 0, units: 0 } };
  for (const r of labelled) if (!partOf.has(r.rec)) counts.train!.units++;
  counts.train!.rows = counts.train!.units;
  for (const part of HIDDEN_PARTS) {
    const recs = labelled.filter((r) => partOf.get(r.rec) === part);
    counts[part] = { rows: recs.length * nSpecies, units: recs.length };
    answers[part] = join(ctx.outHidden, `${part}.csv`);
    samples[part] = sampleFileName('sample_submission.csv', part);
    const a = new CsvWriter(answers[part]);
    const s = new CsvWriter(join(ctx.outPublic, samples[part]));
    await a.row(['Id', 'Probability']);
    await s.row(sample.header.cells);
    for (const r of recs) {
      for (let sp = 0; sp < nSpecies; sp++) {
        const id = String(Number(r.rec) * 100 + sp);
        await a.row([id, r.species.has(sp) ? '1' : '0']);
        await s.row([id, dummy]);
      }
    }
    await a.close();
    await s.close();
  }
  return {
    answers,
    inputs: { search: [], validation: [] },
    samples,
    skip: [LABELS, FOLDS],
    hidden: { keys: new Set(partOf.keys()), keyColumns: ['rec_id'] },
    counts,
    method: 'recordings assigned at random; hidden ones marked "?" and fold 1 like the test recordings',
  };
};
