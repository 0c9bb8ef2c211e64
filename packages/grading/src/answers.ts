import { extname } from 'node:path';
import { parseCsv, readInput } from './csv/reader.js';
import { CsvError } from './csv/errors.js';
import type { Answers, JsonRecord } from './graders/types.js';

/**
 * Loads a private answers file as MLE-bench's `load_answers` does: `.csv` through the same CSV
 * reader as submissions, `.jsonl` as one JSON object per line. Integer `example_id`s are kept as
 * their exact digits (they exceed 2^53 in tensorflow2-question-answering).
 */
export function loadAnswers(path: string): Answers {
  const buf = readInput(path, 'an answers file');
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl') return parseJsonl(buf.toString('utf8'), path);
  if (ext !== '.csv') throw new CsvError(`${path}: answers must be a .csv or .jsonl file`);
  return parseCsv(buf, path);
}

export function parseJsonl(text: string, source = '<jsonl>'): JsonRecord[] {
  const out: JsonRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const safe = line.replace(/"example_id"\s*:\s*(-?\d+)/g, '"example_id":"$1"');
    try {
      out.push(JSON.parse(safe) as JsonRecord);
    } catch (err) {
      throw new CsvError(`${source}: line ${i + 1} is not valid JSON (${(err as Error).message})`);
    }
  });
  return out;
}
