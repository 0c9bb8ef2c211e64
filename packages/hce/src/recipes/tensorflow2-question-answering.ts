import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@aira/core';
import { CsvWriter } from '../csv/write.js';
import { assignUnits, SEARCH, TRAIN } from '../split/assign.js';
import { HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';
import { partFileName } from '../split/names.js';
import type { Splitter } from '../split/types.js';
import { counts, fileLines, sourceFile, whereOf, writeTable } from './common.js';

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
    if (!exampleId(text)) throw new ConfigError(`${file}:${line}: no "example_id" (is it a simplified Natural Questions JSON Lines file?)`);
    chunks.push(Math.floor(chunks.length / CHUNK));
  }
  const parts = assignUnits({ units: chunks.length, strata: chunks, fractions: ctx.fractions, seed: ctx.seed });
  const train = new CsvWriter(join(ctx.outPublic, TRAIN_FILE)); // a buffered text writer: lines pass through unchanged
  const hidden: Record<HiddenPart, { answers: string[]; inputs: string[]; ids: string[] }> = { search: { answers: [], inputs: [], ids: [] }, validation: { answers: [], inputs: [], ids: [] } };
  let i = 0;
  try {
    for await (const { text, line } of fileLines(file)) {
      const p = parts[i++]!;
      if (p === TRAIN) {
        if (train.push(`${text}\n`)) await train.flush();
        continue;
      }
      const h = hidden[p === SEARCH ? 'search' : 'validation'];
      const m = exampleId(text)!;
      const id = m[1] ?? m[2]!;
      const record = JSON.parse(text.replace(m[0], `"example_id":${JSON.stringify(id)}`)) as Record<string, unknown>;
      if (!Array.isArray(record['annotations'])) throw new ConfigError(`${file}:${line}: no "annotations" list (the labels)`);
      h.answers.push(text);
      h.inputs.push(JSON.stringify(Object.fromEntries(INPUT_FIELDS.map((f) => [f, record[f]]))));
      h.ids.push(id);
    }
  } finally {
    await train.close();
  }
  if (i !== chunks.length) throw new ConfigError(`${where}: ${file} changed while it was being split`);
  const answers = {} as Record<HiddenPart, string>;
  const samples = {} as Record<HiddenPart, string>;
  const inputs = { search: [] as string[], validation: [] as string[] };
  for (const p of HIDDEN_PARTS) {
    answers[p] = join(ctx.outHidden, `${p}.jsonl`);
    writeFileSync(answers[p], hidden[p].answers.map((l) => `${l}\n`).join(''));
    const input = partFileName(TEST_FILE, p);
    writeFileSync(join(ctx.outPublic, input), hidden[p].inputs.map((l) => `${l}\n`).join(''));
    inputs[p].push(input);
    samples[p] = `sample_submission_${p}.csv`;
    await writeTable(join(ctx.outPublic, samples[p]), ['example_id', 'PredictionString'], hidden[p].ids.flatMap((id) => [[`${id}_short`, ''], [`${id}_long`, '']]));
  }
  return {
    answers,
    inputs,
    samples,
    skip: [TRAIN_FILE],
    hidden: { keys: new Set([...hidden.search.ids, ...hidden.validation.ids]), keyColumns: ['example_id'] },
    counts: counts(chunks.length - hidden.search.ids.length - hidden.validation.ids.length, hidden.search.ids.length, hidden.validation.ids.length),
    method: 'examples assigned at random within each 1,000-line chunk, as MLE-bench draws its test; answers kept as JSON Lines records',
  };
};
