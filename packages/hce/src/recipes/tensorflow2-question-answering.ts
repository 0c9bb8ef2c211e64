import { join } from 'node:path';
import { ConfigError } from '@aira/core';
import { CsvWriter } from '../csv/write.js';
import { assignUnits, SEARCH, TRAIN } from '../split/assign.js';
import { HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';
import { partFileName } from '../split/names.js';
import type { Splitter } from '../split/types.js';
import { counts, fileLines, sourceFile, whereOf } from './common.js';

const TRAIN_FILE = 'simplified-nq-train.jsonl';
const TEST_FILE = 'simplified-nq-test.jsonl';
/** The fields MLE-bench keeps in its test inputs (annotations and document_url dropped). */
const INPUT_FIELDS = ['example_id', 'question_text', 'document_text', 'long_answer_candidates'];
/** MLE-bench draws its test 10 % within each chunk of this many lines. */
const CHUNK = 1000;

/** example_id as text, whether the line holds it as a string or as a (19-digit) number. */
const exampleId = (text: string) => /"example_id"\s*:\s*(?:"([^"]*)"|(-?\d+))/.exec(text);

/**
 * tensorflow2-question-answering (docs/hce-recipes.md): an example (line) is the unit, assigned
 * stratified by 1,000-line chunk as MLE-bench draws 10 % within each chunk. Train lines are
 * copied byte for byte; hidden answers are the full records as JSON Lines (the grader reads
 * `annotations`); hidden inputs keep only the test file's four fields, example_id as a string.
 */
export const tensorflow2QaSplitter: Splitter = async (ctx) => {
  const where = whereOf(ctx);
  const file = sourceFile(ctx, TRAIN_FILE);
  const chunks: number[] = [];
  for await (const { text, line } of fileLines(file)) {
    if (!exampleId(text))
      throw new ConfigError(
        `${file}:${line}: no "example_id" (is it a simplified Natural Questions JSON Lines file?)`,
      );
    chunks.push(Math.floor(chunks.length / CHUNK));
  }
  const parts = assignUnits({
    units: chunks.length,
    strata: chunks,
    fractions: ctx.fractions,
    seed: ctx.seed,
  });
  // Every output is written as lines arrive: the hidden parts of a 17 GB file do not fit in memory.
  const text = (path: string) => new CsvWriter(path); // a buffered text writer: lines pass through unchanged
  const train = text(join(ctx.outPublic, TRAIN_FILE));
  const answers = {} as Record<HiddenPart, string>;
  const samples = {} as Record<HiddenPart, string>;
  const inputs = { search: [] as string[], validation: [] as string[] };
  const out = {} as Record<
    HiddenPart,
    { answers: CsvWriter; inputs: CsvWriter; sample: CsvWriter; n: number }
  >;
  for (const p of HIDDEN_PARTS) {
    answers[p] = join(ctx.outHidden, `${p}.jsonl`);
    inputs[p].push(partFileName(TEST_FILE, p));
    samples[p] = `sample_submission_${p}.csv`;
    out[p] = {
      answers: text(answers[p]),
      inputs: text(join(ctx.outPublic, inputs[p][0]!)),
      sample: text(join(ctx.outPublic, samples[p])),
      n: 0,
    };
    await out[p].sample.row(['example_id', 'PredictionString']);
  }
  const keys = new Set<string>();
  let i = 0;
  try {
    for await (const { text: line, line: at } of fileLines(file)) {
      const p = parts[i++]!;
      if (p === TRAIN) {
        if (train.push(`${line}\n`)) await train.flush();
        continue;
      }
      const o = out[p === SEARCH ? 'search' : 'validation'];
      const m = exampleId(line)!;
      const id = m[1] ?? m[2]!;
      const record = JSON.parse(line.replace(m[0], `"example_id":${JSON.stringify(id)}`)) as Record<
        string,
        unknown
      >;
      if (!Array.isArray(record['annotations']))
        throw new ConfigError(`${file}:${at}: no "annotations" list (the labels)`);
      await o.answers.raw(`${line}\n`);
      await o.inputs.raw(`${JSON.stringify(Object.fromEntries(INPUT_FIELDS.map((f) => [f, record[f]])))}\n`);
      await o.sample.row([`${id}_short`, '']);
      await o.sample.row([`${id}_long`, '']);
      o.n++;
      keys.add(id);
    }
  } finally {
    await train.close();
    for (const p of HIDDEN_PARTS)
      for (const w of [out[p].answers, out[p].inputs, out[p].sample]) await w.close();
  }
  if (i !== chunks.length) throw new ConfigError(`${where}: ${file} changed while it was being split`);
  return {
    answers,
    inputs,
    samples,
    skip: [TRAIN_FILE],
    hidden: { keys, keyColumns: ['example_id'] },
    counts: counts(chunks.length - out.search.n - out.validation.n, out.search.n, out.validation.n),
    method:
      'examples assigned at random within each 1,000-line chunk, as MLE-bench draws its test; answers kept as JSON Lines records',
  };
};
