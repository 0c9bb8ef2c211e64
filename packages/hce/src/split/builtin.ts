import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ConfigError } from '@aira/core';
import { Columns } from './columns.js';
import { fileFormat, labelledCsv } from './format.js';
import { answerFormat, sampleFormat, writeAnswers, writeInputs, writeSample } from './derive.js';
import { HIDDEN_PARTS, splitLabelled, type HiddenPart } from './labelled.js';
import { partFileName, sampleFileName } from './names.js';
import type { Splitter } from './types.js';
import { unzipTable, zipTable } from './zipped.js';

/** `public/x/y.csv` → `x/y.csv`. */
export const publicRel = (prepared: string) => prepared.replace(/^public\//, '');

/**
 * The built-in splitter for one labelled CSV whose answers are its rows or a one-hot of its label
 * (split.method "builtin"): train rows replace the labelled file; each hidden part gets answers in
 * the competition's answer columns, inputs in each test input's format, and a sample submission.
 */
export const builtinSplitter: Splitter = async (ctx) => {
  const c = ctx.competition;
  const spec = c.manifest.split;
  const where = `${c.paths.manifest}: split`;
  const labelledRel = publicRel(spec.labelled);
  // Labels anywhere but the file being split would reach the public folder unsplit.
  const others = [...new Set([...c.manifest.data.labelled, c.manifest.data.labels.file])].filter(
    (f) => f !== spec.labelled,
  );
  if (others.length)
    throw new ConfigError(
      `${where}: the built-in splitter splits one labelled file (${spec.labelled}) but data also names ${others.join(', ')} as labelled; use split.method "custom" with a split() that splits them all`,
    );
  const file = labelledCsv(ctx.source, labelledRel, `${where}.labelled`, spec.labelled, true);
  const publicOut = join(ctx.outPublic, relative(ctx.source, file));
  mkdirSync(dirname(publicOut), { recursive: true });
  // A zipped table (as MLE-bench keeps some) is split unpacked; its train part is zipped back in its own format.
  const work = join(ctx.outHidden, '.unzipped');
  const zipped =
    fileFormat(file) === 'zip archive'
      ? await unzipTable(file, join(work, 'labelled.csv'), `${where}.labelled`)
      : null;
  const table = zipped ? join(work, 'labelled.csv') : file;
  const trainOut = zipped ? join(work, 'train.csv') : publicOut;
  const split = await splitLabelled({
    file: table,
    trainOut,
    spec,
    fractions: ctx.fractions,
    seed: ctx.seed,
    manifest: c.paths.manifest,
  });
  if (zipped) await zipTable(trainOut, zipped, publicOut);
  const cols = new Columns(split.header, file);
  const labelIdx = cols.require(spec.label[0]!, `${where}.label`);
  const allLabels = () => [...split.hidden.search, ...split.hidden.validation].map((r) => r[labelIdx]!);
  const answers = await answerFormat(spec, cols, c.paths.answers, where, allLabels);
  const sampleRel = relative(c.paths.public, c.paths.sampleSubmission);
  const sample = await sampleFormat(c.paths.sampleSubmission, spec, cols, where);
  const sampleBase = sampleRel.startsWith('..') ? 'sample_submission.csv' : sampleRel;

  const result = {
    answers: {} as Record<HiddenPart, string>,
    inputs: { search: [] as string[], validation: [] as string[] },
    samples: {} as Record<HiddenPart, string>,
  };
  for (const part of HIDDEN_PARTS) {
    const rows = split.hidden[part];
    result.answers[part] = join(ctx.outHidden, `${part}.csv`);
    await writeAnswers(result.answers[part], answers, spec, cols, rows);
    for (const input of c.manifest.data.testInputs) {
      const rel = publicRel(input);
      const src = join(ctx.source, rel);
      const zippedInput = /\.(csv|tsv)\.zip$/i.test(rel);
      if (!(rel.endsWith('.csv') || zippedInput) || !existsSync(src)) continue;
      const name = partFileName(rel, part);
      if (existsSync(join(ctx.source, name)))
        throw new ConfigError(
          `${where}: cannot name the ${part} inputs ${name}: the public folder already has that file`,
        );
      mkdirSync(dirname(join(ctx.outPublic, name)), { recursive: true });
      if (!zippedInput) {
        if ((await writeInputs(join(ctx.outPublic, name), src, cols, rows)) !== null)
          result.inputs[part].push(name);
        continue;
      }
      // A zipped test input: the part's copy is zipped the same way (test.tsv.zip → search.tsv.zip).
      const inTable = await unzipTable(src, join(work, 'input.csv'), `${where}: data.testInputs`);
      if ((await writeInputs(join(work, 'part.csv'), join(work, 'input.csv'), cols, rows)) === null) continue;
      await zipTable(
        join(work, 'part.csv'),
        { ...inTable, entry: partFileName(inTable.entry, part) },
        join(ctx.outPublic, name),
      );
      result.inputs[part].push(name);
    }
    result.samples[part] = sampleFileName(sampleBase, part);
    mkdirSync(dirname(join(ctx.outPublic, result.samples[part])), { recursive: true });
    await writeSample(join(ctx.outPublic, result.samples[part]), sample, rows);
  }
  rmSync(work, { recursive: true, force: true });
  return {
    ...result,
    skip: [relative(ctx.source, file)],
    hidden: { keys: split.hiddenKeys, keyColumns: [...new Set([split.keyColumn, ...spec.id])] },
    counts: split.counts,
    method: split.method,
  };
};
