import { join } from 'node:path';
import { ConfigError } from '@aira/core';
import { readCsvRecords } from '../csv/read.js';
import { assignUnits, SEARCH, TRAIN } from '../split/assign.js';
import { HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';
import { partFileName } from '../split/names.js';
import type { Splitter } from '../split/types.js';
import { splitZip } from './archive.js';
import { partitionCsv, rowCounts, sourceFile, whereOf, writeTable } from './common.js';

const CURATED = 'train_curated.csv';
const CURATED_ZIP = 'train_curated.zip';
/** Curated clips the competition's description calls mislabelled (5) or silent (1): never hidden. */
const UNRELIABLE = new Set(['f76181c4', '77b925c2', '6a1f682a', 'c7db12aa', '7752cc8a', '1d44b0bd']);

/**
 * freesound-audio-tagging-2019 (docs/hce-recipes.md): MLE-bench's test is Kaggle's curated-quality
 * private test, so hidden parts are drawn from train_curated clips (minus the unreliable ones);
 * noisy clips stay in train. Answers are `fname` + one 0/1 column per class in the sample
 * submission's order (MLE-bench's multi-hot conversion of the comma lists); hidden audio leaves
 * train_curated.zip for `search.zip` / `validation.zip`, flat like test.zip.
 */
export const freesoundSplitter: Splitter = async (ctx) => {
  const c = ctx.competition;
  const where = whereOf(ctx);
  const file = sourceFile(ctx, CURATED);
  const table = await readCsvRecords(file);
  const fIdx = table.header.cells.indexOf('fname');
  const lIdx = table.header.cells.indexOf('labels');
  if (fIdx < 0 || lIdx < 0) throw new ConfigError(`${where}: ${file} needs columns fname and labels`);
  const sample = await readCsvRecords(c.paths.sampleSubmission);
  const classes = sample.header.cells.slice(1);
  const known = new Set(classes);
  const eligible = table.rows
    .map((r, i) => (UNRELIABLE.has(r.cells[fIdx]!.replace(/\.wav$/, '')) ? -1 : i))
    .filter((i) => i >= 0);
  const parts = assignUnits({ units: eligible.length, fractions: ctx.fractions, seed: ctx.seed });
  const partOf = new Map<number, HiddenPart>();
  eligible.forEach(
    (row, k) => parts[k] !== TRAIN && partOf.set(row, parts[k] === SEARCH ? 'search' : 'validation'),
  );
  const split = await partitionCsv(file, join(ctx.outPublic, CURATED), (_c, i) => partOf.get(i) ?? 'train');

  const answers = {} as Record<HiddenPart, string>;
  const samples = {} as Record<HiddenPart, string>;
  const zipOf = new Map<string, HiddenPart>();
  for (const p of HIDDEN_PARTS) {
    const rows = split.hidden[p].map((r) => {
      const labels = r[lIdx]!.split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');
      for (const l of labels)
        if (!known.has(l))
          throw new ConfigError(
            `${where}: clip ${r[fIdx]} of ${file} has label "${l}", which is not a class column of ${c.paths.sampleSubmission}`,
          );
      zipOf.set(r[fIdx]!, p);
      return [r[fIdx]!, ...classes.map((k) => (labels.includes(k) ? '1' : '0'))];
    });
    answers[p] = join(ctx.outHidden, `${p}.csv`);
    await writeTable(answers[p], ['fname', ...classes], rows);
    samples[p] = `sample_submission_${p}.csv`;
    const dummy = classes.map((_, k) => sample.rows[0]?.cells[k + 1] ?? '0');
    await writeTable(
      join(ctx.outPublic, samples[p]),
      sample.header.cells,
      rows.map((r) => [r[0]!, ...dummy]),
    );
  }
  await splitZip(
    sourceFile(ctx, CURATED_ZIP),
    join(ctx.outPublic, CURATED_ZIP),
    (p) => join(ctx.outPublic, partFileName('test.zip', p)),
    (base) => zipOf.get(base),
  );
  return {
    answers,
    inputs: { search: [], validation: [] },
    samples,
    media: {
      search: [partFileName('test.zip', 'search')],
      validation: [partFileName('test.zip', 'validation')],
    },
    skip: [CURATED, CURATED_ZIP],
    hidden: { keys: new Set(zipOf.keys()), keyColumns: ['fname'] },
    counts: rowCounts(split),
    method:
      'curated clips assigned at random (noisy and unreliable clips stay in train); answers multi-hot in the sample submission class order; hidden audio moved to search.zip and validation.zip',
  };
};
