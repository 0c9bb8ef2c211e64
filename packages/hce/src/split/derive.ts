import { existsSync } from 'node:fs';
import { ConfigError } from '@aira/core';
import type { SplitSpec } from '@aira/competitions';
import { csvHeader, readCsvRecords } from '../csv/read.js';
import { writeTable } from '../csv/write.js';
import { Columns } from './columns.js';

/**
 * How hidden answers, inputs and sample submissions are built from labelled rows, following the
 * HCE recipe (docs/mlebench-layouts.md §HCE): the answer file keeps the competition's own
 * answer columns (graders assert on them), inputs keep the test input's columns, and sample
 * submissions are the competition's dummy sample with the hidden ids.
 */

function* project(rows: readonly string[][], idx: readonly number[]): Generator<string[]> {
  for (const r of rows) yield idx.map((i) => r[i]!);
}

export interface AnswerFormat {
  mode: 'rows' | 'one-hot';
  columns: string[];
  /** one-hot: id columns, then one column per class. */
  classes?: string[];
}

/** The answer file's columns, from the competition's own answers file when it is there. */
export async function answerFormat(
  spec: SplitSpec,
  labelled: Columns,
  answersFile: string,
  where: string,
  allLabels: () => string[],
): Promise<AnswerFormat> {
  const own = existsSync(answersFile) ? await csvHeader(answersFile) : null;
  if (spec.answers === 'rows') {
    if (own && own.every((c) => labelled.has(c))) return { mode: 'rows', columns: own };
    // Columns the labelled rows cannot fill but that are neither id nor label (detecting-insults'
    // Kaggle "Usage" marker) are not graded: MLE-bench's grader reads the id and label columns only.
    const kept = own?.filter((c) => labelled.has(c));
    if (kept && [...spec.id, ...spec.label].every((c) => kept.includes(c)))
      return { mode: 'rows', columns: kept };
    if (own)
      throw new ConfigError(
        `${where}.answers: the answers file ${answersFile} has columns not in the labelled file (${own.filter((c) => !labelled.has(c)).join(', ')}); use answers "custom" with a split() that builds them`,
      );
    return { mode: 'rows', columns: [...spec.id, ...spec.label] };
  }
  if (spec.answers === 'one-hot') {
    if (spec.label.length !== 1)
      throw new ConfigError(`${where}.label: one-hot answers need exactly one label column`);
    const classes = own ? own.filter((c) => !spec.id.includes(c)) : [...new Set(allLabels())].sort();
    return { mode: 'one-hot', columns: [...spec.id, ...classes], classes };
  }
  throw new ConfigError(
    `${where}.answers: "${spec.answers}" answers need the plugin's split() (or an HCE recipe); the built-in splitter writes "rows" and "one-hot"`,
  );
}

/** Writes one hidden part's answers; returns the row count. */
export async function writeAnswers(
  path: string,
  format: AnswerFormat,
  spec: SplitSpec,
  labelled: Columns,
  rows: readonly string[][],
): Promise<number> {
  if (format.mode === 'rows')
    return writeTable(
      path,
      format.columns,
      project(
        rows,
        format.columns.map((c) => labelled.require(c, 'answers')),
      ),
    );
  const ids = spec.id.map((c) => labelled.require(c, 'split.id'));
  const label = labelled.require(spec.label[0]!, 'split.label');
  const classes = format.classes!;
  const known = new Set(classes);
  for (const r of rows) {
    if (!known.has(r[label]!))
      throw new ConfigError(
        `label "${r[label]}" of a hidden row is not one of the answer columns (${classes.join(', ')})`,
      );
  }
  return writeTable(
    path,
    format.columns,
    rows.map((r) => [...ids.map((i) => r[i]!), ...classes.map((c) => (r[label] === c ? '1' : '0'))]),
  );
}

/**
 * Writes a hidden part's copy of a test input CSV (its columns, the hidden rows), or returns null
 * when the test input has columns the labelled rows lack (then the sample submission is the id list).
 */
export async function writeInputs(
  path: string,
  testInput: string,
  labelled: Columns,
  rows: readonly string[][],
): Promise<number | null> {
  const header = await csvHeader(testInput);
  if (!header.every((c) => labelled.has(c))) return null;
  return writeTable(
    path,
    header,
    project(
      rows,
      header.map((c) => labelled.require(c, 'test input')),
    ),
  );
}

export interface SampleFormat {
  header: string[];
  /** Per column: the labelled column index of an id column, or the dummy value to write. */
  cells: Array<{ from: number } | { value: string }>;
}

/** The sample submission's columns: id columns from the hidden rows, the rest the sample's dummy value. */
export async function sampleFormat(
  sampleFile: string,
  spec: SplitSpec,
  labelled: Columns,
  where: string,
): Promise<SampleFormat> {
  if (!existsSync(sampleFile))
    throw new ConfigError(`${where}: the sample submission ${sampleFile} is missing (is the data prepared?)`);
  const { header, rows } = await readCsvRecords(sampleFile);
  const first = rows[0]?.cells;
  const cells = header.cells.map((c, i) =>
    spec.id.includes(c) ? { from: labelled.require(c, `${where}.id`) } : { value: first?.[i] ?? '0' },
  );
  if (!cells.some((c) => 'from' in c)) {
    throw new ConfigError(
      `${where}.id: none of the sample submission's columns (${header.cells.join(', ')}) is an id column (${spec.id.join(', ')}); a split() must build its sample submissions`,
    );
  }
  return { header: header.cells, cells };
}

export async function writeSample(
  path: string,
  format: SampleFormat,
  rows: readonly string[][],
): Promise<number> {
  return writeTable(
    path,
    format.header,
    rows.map((r) => format.cells.map((c) => ('from' in c ? r[c.from]! : c.value))),
  );
}
