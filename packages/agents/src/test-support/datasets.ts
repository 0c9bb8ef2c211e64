import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { rngFor } from '@aira/coordinator';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { CompetitionFacts } from '../template/layout.js';

/**
 * Small real data sets from Debian's packages (scikit-learn's CSVs, the fortunes files) laid out
 * the way HCE lays out a public folder: train.csv with labels, search/validation/test inputs
 * without, a sample submission per split, and a description naming one prediction file per
 * split. The answers stay in memory with the test.
 */

const SKLEARN = '/usr/lib/python3/dist-packages/sklearn/datasets/data';
const FORTUNES = '/usr/share/games/fortunes';

export interface Table {
  columns: string[];
  rows: string[][];
}

export interface Dataset {
  name: string;
  facts: CompetitionFacts;
  direction: 'maximize' | 'minimize';
  /** Column order of predictions after the id (label, or one column per class). */
  predictionColumns: string[];
  /** Every labelled row: id first, label last. */
  table: Table;
}

export interface PublicFolder {
  dir: string;
  description: string;
  /** Hidden answers per split: id → label. */
  answers: Record<'search' | 'validation' | 'test', Map<string, string>>;
}

function sklearnCsv(file: string, header: (meta: string[]) => string[]): string[][] {
  const text = file.endsWith('.gz')
    ? gunzipSync(readFileSync(join(SKLEARN, file))).toString('utf8')
    : readFileSync(join(SKLEARN, file), 'utf8');
  const [meta, ...rows] = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  header(meta!);
  return rows;
}

const facts = (
  id: string,
  modality: string,
  task: string,
  label: string,
  metric: string,
): CompetitionFacts => ({
  id,
  modality: [modality],
  task,
  ids: ['id'],
  labels: [label],
  labelled: ['train.csv'],
  metric,
});

/** Wisconsin breast cancer: 569 rows, 30 measurements, malignant (1) or benign (0); ROC AUC. */
export function breastCancer(): Dataset {
  const rows = sklearnCsv('breast_cancer.csv', () => []);
  const columns = ['id', ...Array.from({ length: 30 }, (_, i) => `f${i}`), 'malignant'];
  // sklearn's file codes malignant as 0; the label here is 1 for malignant.
  const table = rows.map((r, i) => [String(i), ...r.slice(0, 30), r[30] === '0' ? '1' : '0']);
  return {
    name: 'breast-cancer',
    facts: facts('bc', 'tabular', 'binary-classification', 'malignant', 'ROC AUC'),
    direction: 'maximize',
    predictionColumns: ['malignant'],
    table: { columns, rows: table },
  };
}

/** Diabetes progression: 442 rows, 10 raw measurements, a number one year later; RMSE. */
export function diabetes(): Dataset {
  const x = gunzipSync(readFileSync(join(SKLEARN, 'diabetes_data_raw.csv.gz')))
    .toString('utf8')
    .trim()
    .split('\n');
  const y = gunzipSync(readFileSync(join(SKLEARN, 'diabetes_target.csv.gz')))
    .toString('utf8')
    .trim()
    .split('\n');
  const names = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
  const table = x.map((l, i) => [String(i), ...l.trim().split(/\s+/), String(Number(y[i]))]);
  return {
    name: 'diabetes',
    facts: facts('diabetes', 'tabular', 'regression', 'progression', 'RMSE'),
    direction: 'minimize',
    predictionColumns: ['progression'],
    table: { columns: ['id', ...names, 'progression'], rows: table },
  };
}

/** Wine cultivars: 178 rows, 13 measurements, 3 classes; multi-class log loss (one column per class). */
export function wine(): Dataset {
  const rows = sklearnCsv('wine_data.csv', () => []);
  const classes = ['class_0', 'class_1', 'class_2'];
  const table = rows.map((r, i) => [String(i), ...r.slice(0, 13), classes[Number(r[13])]!]);
  return {
    name: 'wine',
    facts: facts('wine', 'tabular', 'multiclass-classification', 'cultivar', 'multi-class log loss'),
    direction: 'minimize',
    predictionColumns: classes,
    table: { columns: ['id', ...Array.from({ length: 13 }, (_, i) => `m${i}`), 'cultivar'], rows: table },
  };
}

/** Handwritten digits as 8×8 pixel arrays (64 columns, 0-16); accuracy. `limit` keeps the first rows. */
export function digits(limit = 1797): Dataset {
  const records = parse(gunzipSync(readFileSync(join(SKLEARN, 'digits.csv.gz'))), {
    skip_empty_lines: true,
    to: limit,
  }) as string[][];
  const table = records.map((r, i) => {
    const v = r.map((s) => String(Math.round(Number(s))));
    return [String(i), ...v.slice(0, 64), v[64]!];
  });
  return {
    name: 'digits',
    facts: facts('digits', 'image', 'multiclass-classification', 'label', 'accuracy'),
    direction: 'maximize',
    predictionColumns: ['label'],
    table: { columns: ['id', ...Array.from({ length: 64 }, (_, i) => `pixel${i}`), 'label'], rows: table },
  };
}

/** Fortune cookies from three collections; which collection (multi-class log loss, one column each). */
export function fortunes(perClass = 250): Dataset {
  const classes = ['computers', 'politics', 'science'];
  const rows: string[][] = [];
  for (const c of classes) {
    const items = readFileSync(join(FORTUNES, c), 'utf8')
      .split(/^%$/m)
      .map((s) => s.trim())
      .filter((s) => s.length > 0)
      .slice(0, perClass);
    for (const t of items) rows.push([String(rows.length), t, c]);
  }
  return {
    name: 'fortunes',
    facts: facts('fortunes', 'text', 'multiclass-classification', 'category', 'multi-class log loss'),
    direction: 'minimize',
    predictionColumns: classes,
    table: { columns: ['id', 'text', 'category'], rows },
  };
}

export function writeCsv(path: string, columns: string[], rows: string[][]): void {
  writeFileSync(path, stringify([columns, ...rows], { record_delimiter: '\n' }));
}

/**
 * Writes the public folder: a fixed shuffle (seed 7) into 60% train, 10% search, 10% validation
 * and 20% test; labels only in train.csv.
 */
export function writePublic(ds: Dataset, dir: string): PublicFolder {
  mkdirSync(dir, { recursive: true });
  const rng = rngFor(7, 'split', ds.name);
  const rows = [...ds.table.rows];
  for (let i = rows.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  const n = rows.length;
  const cut = [Math.round(n * 0.6), Math.round(n * 0.7), Math.round(n * 0.8)];
  const parts = {
    train: rows.slice(0, cut[0]),
    search: rows.slice(cut[0], cut[1]),
    validation: rows.slice(cut[1], cut[2]),
    test: rows.slice(cut[2]),
  };
  const cols = ds.table.columns;
  writeCsv(join(dir, 'train.csv'), cols, parts.train);
  const inputCols = cols.slice(0, -1);
  const answers = {} as PublicFolder['answers'];
  for (const split of ['search', 'validation', 'test'] as const) {
    writeCsv(
      join(dir, `${split}.csv`),
      inputCols,
      parts[split].map((r) => r.slice(0, -1)),
    );
    const sample =
      ds.predictionColumns.length > 1
        ? ds.predictionColumns.map(() => (1 / ds.predictionColumns.length).toFixed(4))
        : ['0'];
    writeCsv(
      join(dir, split === 'test' ? 'sample_submission.csv' : `sample_submission_${split}.csv`),
      ['id', ...ds.predictionColumns],
      parts[split].map((r) => [r[0]!, ...sample]),
    );
    answers[split] = new Map(parts[split].map((r) => [r[0]!, r[r.length - 1]!]));
  }
  const description = [
    `# ${ds.name}`,
    "Write one prediction file per split, each in the sample submission's format:",
    '- submission/search.csv for search.csv',
    '- submission/validation.csv for validation.csv',
    '- submission/test.csv for test.csv',
  ].join('\n');
  return { dir, description, answers };
}
