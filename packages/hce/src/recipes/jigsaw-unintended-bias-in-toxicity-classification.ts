import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@aira/core';
import { csvHeader, readCsvRecords } from '../csv/read.js';
import { assignUnits, SEARCH, TRAIN } from '../split/assign.js';
import { HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';
import type { Splitter } from '../split/types.js';
import { partitionCsv, rowCounts, scanCsv, sourceFile, whereOf, writeTable } from './common.js';

/** The identities the grader's bias AUCs use. */
const IDENTITIES = [
  'male',
  'female',
  'homosexual_gay_or_lesbian',
  'christian',
  'jewish',
  'muslim',
  'black',
  'white',
  'psychiatric_or_mental_illness',
];

/**
 * jigsaw-unintended-bias-in-toxicity-classification (docs/hce-recipes.md): a comment is the unit.
 * MLE-bench's test is Kaggle's private test, every row of which has identity annotations; in the
 * train file only some rows have them (the rest are empty, which the grader counts as 0), so the
 * split is stratified by "has identity annotations": each hidden part gets its share of annotated
 * rows and subgroup AUCs stay defined. Answers are rows in the columns of the competition's own
 * answers file (test_private_expanded.csv), `toxicity` taken from `target`.
 */
export const jigsawUnintendedBiasSplitter: Splitter = async (ctx) => {
  const c = ctx.competition;
  const where = whereOf(ctx);
  const file = sourceFile(ctx, 'train.csv');
  const flags: number[] = [];
  const header = await scanCsv(file, (cells, _line, h) => {
    const annotated = IDENTITIES.some((col) => (cells[h.get(col) ?? -1] ?? '') !== '');
    flags.push(annotated ? 1 : 0);
  });
  header.require('id', `${where}.id`);
  header.require('target', `${where}.label`);
  IDENTITIES.forEach((col) => header.require(col, `${where}.label`));
  const parts = assignUnits({ units: flags.length, strata: flags, fractions: ctx.fractions, seed: ctx.seed });
  const split = await partitionCsv(file, join(ctx.outPublic, 'train.csv'), (_cells, i) =>
    parts[i] === TRAIN ? 'train' : parts[i] === SEARCH ? 'search' : 'validation',
  );

  const own = existsSync(c.paths.answers)
    ? await csvHeader(c.paths.answers)
    : header.header.map((h) => (h === 'target' ? 'toxicity' : h));
  const answerIdx = own.map((col) => {
    const from = col === 'toxicity' ? 'target' : col;
    const i = header.get(from);
    if (i === undefined)
      throw new ConfigError(
        `${where}: the answers file ${c.paths.answers} has column "${col}", which ${file} lacks`,
      );
    return i;
  });
  const testCsv = join(ctx.source, 'test.csv');
  const inputCols = existsSync(testCsv) ? await csvHeader(testCsv) : ['id', 'comment_text'];
  const inputIdx = inputCols.map((col) => header.require(col, `${where} (test.csv column)`));
  const sample = await readCsvRecords(c.paths.sampleSubmission);
  const dummy = sample.header.cells.map((col, k) =>
    col === 'id' ? null : (sample.rows[0]?.cells[k] ?? '0.0'),
  );
  const idIdx = header.require('id', `${where}.id`);

  const answers = {} as Record<HiddenPart, string>;
  const samples = {} as Record<HiddenPart, string>;
  const inputs = { search: [] as string[], validation: [] as string[] };
  const keys = new Set<string>();
  for (const p of HIDDEN_PARTS) {
    const rows = split.hidden[p];
    rows.forEach((r) => keys.add(r[idIdx]!));
    answers[p] = join(ctx.outHidden, `${p}.csv`);
    await writeTable(
      answers[p],
      own,
      rows.map((r) => answerIdx.map((i) => r[i]!)),
    );
    inputs[p].push(`${p}.csv`);
    await writeTable(
      join(ctx.outPublic, `${p}.csv`),
      inputCols,
      rows.map((r) => inputIdx.map((i) => r[i]!)),
    );
    samples[p] = `sample_submission_${p}.csv`;
    await writeTable(
      join(ctx.outPublic, samples[p]),
      sample.header.cells,
      rows.map((r) => dummy.map((d) => d ?? r[idIdx]!)),
    );
  }
  return {
    answers,
    inputs,
    samples,
    skip: ['train.csv'],
    hidden: { keys, keyColumns: ['id'] },
    counts: rowCounts(split),
    method:
      'comments assigned at random, stratified by whether the row has identity annotations; answers in test_private_expanded.csv columns with toxicity = target',
  };
};
