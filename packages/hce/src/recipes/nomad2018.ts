import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@aira/core';
import { csvHeader } from '../csv/read.js';
import { publicRel } from '../split/builtin.js';
import { Columns } from '../split/columns.js';
import { answerFormat, sampleFormat, writeAnswers, writeInputs, writeSample } from '../split/derive.js';
import { linkOrCopy } from '../split/files.js';
import { HIDDEN_PARTS, splitLabelled, type HiddenPart } from '../split/labelled.js';
import { sampleFileName } from '../split/names.js';
import type { Splitter } from '../split/types.js';

/**
 * nomad2018-predict-transparent-conductors (docs/mlebench-layouts.md §Per competition): rows split at
 * random like MLE-bench's test; ids are renumbered 1..n within each part in row order, with the
 * `<id>/geometry.xyz` folders renamed to match (train/, search/, validation/ beside test/). The
 * grader compares rows by position, so answers, inputs and sample keep the same order.
 */
export const nomad2018Splitter: Splitter = async (ctx) => {
  const c = ctx.competition;
  const spec = c.manifest.split;
  const where = `${c.paths.manifest}: split`;
  const labelledRel = publicRel(spec.labelled);
  const file = join(ctx.source, labelledRel);
  if (!existsSync(file))
    throw new ConfigError(`${where}.labelled: ${file} is missing (is the data prepared?)`);
  const header = new Columns(await csvHeader(file), file);
  const idIdx = header.require('id', `${where}.id`);
  const geometry = (dir: string, id: string) => join(ctx.source, dir, id, 'geometry.xyz');
  const split = await splitLabelled({
    file,
    trainOut: join(ctx.outPublic, labelledRel),
    spec,
    fractions: ctx.fractions,
    seed: ctx.seed,
    manifest: c.paths.manifest,
    trainRow: (cells, k) => {
      const id = String(k + 1);
      if (existsSync(geometry('train', cells[idIdx]!)))
        linkOrCopy(geometry('train', cells[idIdx]!), join(ctx.outPublic, 'train', id, 'geometry.xyz'));
      return cells.map((v, i) => (i === idIdx ? id : v));
    },
  });
  const cols = new Columns(split.header, file);
  const answers = await answerFormat(spec, cols, c.paths.answers, where, () => []);
  const sample = await sampleFormat(c.paths.sampleSubmission, spec, cols, where);
  const answerFiles = {} as Record<HiddenPart, string>;
  const inputs = { search: [] as string[], validation: [] as string[] };
  const samples = {} as Record<HiddenPart, string>;
  for (const part of HIDDEN_PARTS) {
    const rows = split.hidden[part].map((cells, k) => {
      const id = String(k + 1);
      if (existsSync(geometry('train', cells[idIdx]!)))
        linkOrCopy(geometry('train', cells[idIdx]!), join(ctx.outPublic, part, id, 'geometry.xyz'));
      return cells.map((v, i) => (i === idIdx ? id : v));
    });
    answerFiles[part] = join(ctx.outHidden, `${part}.csv`);
    await writeAnswers(answerFiles[part], answers, spec, cols, rows);
    const testCsv = join(ctx.source, 'test.csv');
    if (
      existsSync(testCsv) &&
      (await writeInputs(join(ctx.outPublic, `${part}.csv`), testCsv, cols, rows)) !== null
    )
      inputs[part].push(`${part}.csv`);
    samples[part] = sampleFileName('sample_submission.csv', part);
    await writeSample(join(ctx.outPublic, samples[part]), sample, rows);
  }
  return {
    answers: answerFiles,
    inputs,
    samples,
    skip: [labelledRel, 'train'],
    // Renumbered ids say nothing about the original rows; nothing else lists hidden rows.
    hidden: null,
    counts: split.counts,
    method: `${split.method}; ids renumbered 1..n per part, geometry folders renamed to match`,
  };
};
