import { basename } from 'node:path';
import type { Probe, ProbeFile } from './probe.js';

/**
 * Where a solution reads and writes, decided once per run from the competition's manifest (when
 * the competitions registry knows it), the files found in the data folder and the task
 * description (which, under HCE, names one prediction file per split). It is written into every
 * script, so a script needs nothing else to run by hand.
 */

export type Modality = 'tabular' | 'text' | 'image';
export type TaskKind = 'classification' | 'regression';
export const METRICS = [
  'roc_auc',
  'log_loss',
  'accuracy',
  'f1',
  'qwk',
  'rmse',
  'mse',
  'mae',
  'rmsle',
  'r2',
] as const;
export type MetricName = (typeof METRICS)[number];
/**
 * value: a number per row (regression); label: a class per row; probability: the positive
 * class's probability in the label column (binary); class-probabilities: one column per class.
 */
export type PredictionKind = 'value' | 'label' | 'probability' | 'class-probabilities';

export interface SplitFiles {
  /** The split's name (search, validation, test…). */
  split: string;
  /** Its input table, relative to the data folder. */
  input: string;
  /** Its prediction file, relative to the submission folder. */
  output: string;
}

export interface DataLayout {
  modality: Modality;
  task: TaskKind;
  /** What the script's own `score:` line measures (the competition's metric when known). */
  metric: MetricName;
  /** The labelled table, relative to the data folder. */
  train: string;
  ids: string[];
  label: string;
  prediction: { kind: PredictionKind; columns: string[] };
  splits: SplitFiles[];
}

/** What the competition's manifest says, reduced to what a template needs. */
export interface CompetitionFacts {
  id: string;
  modality: string[];
  task: string;
  ids: string[];
  labels: string[];
  /** Base names of the labelled files (e.g. train.csv). */
  labelled: string[];
  metric: string;
}

/** A data layout the template agent cannot write for; the job ends as an invalid candidate saying why. */
export class LayoutError extends Error {
  override name = 'LayoutError';
}

const METRIC_WORDS: Array<[RegExp, MetricName]> = [
  [/\b(roc[ _-]?auc|auc[ _-]?roc|area under the roc|auc)\b/i, 'roc_auc'],
  [/\b(log[ _-]?loss|logarithmic loss|cross[ -]?entropy)\b/i, 'log_loss'],
  [/\b(rmsle|root mean squared? log(arithmic)? error)\b/i, 'rmsle'],
  [/\b(rmse|root mean squared? error)\b/i, 'rmse'],
  [/\b(mse|mean squared? error)\b/i, 'mse'],
  [/\b(mae|mean absolute error)\b/i, 'mae'],
  [/\b(quadratic weighted kappa|qwk|kappa)\b/i, 'qwk'],
  [/\bf1\b/i, 'f1'],
  [/\baccuracy\b/i, 'accuracy'],
  [/\b(r2|r\^2|r²|coefficient of determination)\b/i, 'r2'],
];

/** The metric a phrase names ("ROC AUC", "multi-class log loss", "RMSE"…), or null. */
export function metricFromText(text: string): MetricName | null {
  for (const [re, name] of METRIC_WORDS) if (re.test(text)) return name;
  return null;
}

export const REGRESSION_METRICS: ReadonlySet<MetricName> = new Set(['rmse', 'mse', 'mae', 'rmsle', 'r2']);
export const LOWER_IS_BETTER: ReadonlySet<MetricName> = new Set(['log_loss', 'rmse', 'mse', 'mae', 'rmsle']);

/** Prediction file names the task description asks for (`submission/search.csv` …), in order. */
export function outputsFromDescription(description: string | undefined): string[] {
  const out: string[] = [];
  for (const m of (description ?? '').matchAll(/submission\/([A-Za-z0-9_.-]+\.csv)\b/g))
    if (!out.includes(m[1]!)) out.push(m[1]!);
  return out;
}

const stem = (p: string) => basename(p).replace(/\.(csv|tsv)(\.gz)?$/i, '');
const isSample = (f: ProbeFile) => /sample/i.test(f.path);
const isNumber = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

/** Whether a table belongs to a split: its name is the split's (search.csv) or it sits in its folder (search/x.csv). */
function belongsTo(f: ProbeFile, split: string): boolean {
  const parts = f.path.toLowerCase().split('/');
  const s = split.toLowerCase();
  return (
    parts.slice(0, -1).includes(s) || new RegExp(`(^|[^a-z])${s}([^a-z]|$)`).test(stem(f.path).toLowerCase())
  );
}

function findTrain(
  tables: ProbeFile[],
  facts: CompetitionFacts | undefined,
): { train: ProbeFile; labels: string[] } {
  if (facts) {
    const withLabels = tables.filter((t) => facts.labels.every((c) => t.columns!.includes(c)));
    const train =
      withLabels.find((t) => facts.labelled.includes(basename(t.path))) ??
      withLabels.find((t) => /train/i.test(t.path)) ??
      withLabels[0];
    if (!train)
      throw new LayoutError(
        `no table in the data folder has the label column(s) ${facts.labels.join(', ')} of ${facts.id}`,
      );
    return { train, labels: facts.labels };
  }
  // Without a manifest: the labelled table is the one whose columns strictly contain another's.
  const ordered = [...tables].sort((a, b) => Number(/train/i.test(b.path)) - Number(/train/i.test(a.path)));
  for (const a of ordered) {
    for (const b of tables) {
      if (a === b) continue;
      const extra = a.columns!.filter((c) => !b.columns!.includes(c));
      if (extra.length > 0 && b.columns!.every((c) => a.columns!.includes(c)))
        return { train: a, labels: extra };
    }
  }
  throw new LayoutError(
    "found no labelled table in the data folder (a table whose columns are another table's plus the label)",
  );
}

function modalityOf(facts: CompetitionFacts | undefined, train: ProbeFile, features: string[]): Modality {
  if (facts) {
    const m = facts.modality;
    if (m.includes('text')) return 'text';
    if (m.includes('image')) return 'image';
    if (m.includes('tabular')) return 'tabular';
    throw new LayoutError(
      `${facts.id} is ${m.join('+')} data; the template agent writes solutions for tabular, text and image-array data only`,
    );
  }
  const rows = train.rows ?? [];
  const cells = (c: string) => rows.map((r) => r[train.columns!.indexOf(c)] ?? '');
  const texty = features.some((c) => cells(c).some((v) => !isNumber(v) && v.length >= 40));
  if (texty) return 'text';
  if (features.length >= 100 && features.every((c) => cells(c).every(isNumber))) return 'image';
  return 'tabular';
}

function taskOf(
  facts: CompetitionFacts | undefined,
  train: ProbeFile,
  label: string,
  metric: MetricName | null,
  predCols: string[],
): TaskKind {
  if (facts) {
    if (facts.task === 'regression') return 'regression';
    if (facts.task === 'binary-classification' || facts.task === 'multiclass-classification')
      return 'classification';
    throw new LayoutError(
      `${facts.id} is a ${facts.task} task; the template agent writes classification and regression solutions only`,
    );
  }
  if (predCols.length > 1) return 'classification';
  if (metric) return REGRESSION_METRICS.has(metric) ? 'regression' : 'classification';
  // From the first rows alone: fractions, or integers too large to be class codes, are quantities.
  const values = (train.rows ?? []).map((r) => r[train.columns!.indexOf(label)] ?? '');
  const quantity = (v: string) => !Number.isInteger(Number(v)) || Math.abs(Number(v)) > 100;
  return values.length > 0 && values.every(isNumber) && values.some(quantity)
    ? 'regression'
    : 'classification';
}

/**
 * The layout for a run. `description` is the task description the evaluator gives agents; under
 * HCE it lists one prediction file per split, each read from the split's input table. Without it
 * (self-reported scores) every unlabelled table gets a prediction file of its own name.
 */
export function planLayout(
  probe: Probe,
  task: { direction: 'maximize' | 'minimize'; description?: string },
  facts?: CompetitionFacts,
): DataLayout {
  const tables = probe.files.filter((f) => f.columns && f.columns.length > 0);
  if (tables.length === 0) {
    const seen = probe.files
      .slice(0, 10)
      .map((f) => f.path)
      .join(', ');
    throw new LayoutError(
      `the data folder holds no CSV table${seen ? ` (found: ${seen})` : ' (it is empty: the run needs a competition or a data folder)'}`,
    );
  }
  const data = tables.filter((t) => !isSample(t));
  const { train, labels } = findTrain(data, facts);
  if (labels.length !== 1)
    throw new LayoutError(
      `the labelled table ${train.path} has ${labels.length} label columns (${labels.join(', ')}); templates predict one`,
    );
  const label = labels[0]!;
  const samples = tables.filter(isSample);

  const wanted = outputsFromDescription(task.description);
  const inputs = data.filter((t) => t !== train);
  let splits: SplitFiles[];
  if (wanted.length > 0) {
    splits = wanted.map((output) => {
      const split = stem(output);
      const input = inputs.find((t) => stem(t.path) === split) ?? inputs.find((t) => belongsTo(t, split));
      if (!input)
        throw new LayoutError(
          `the task asks for submission/${output} but no input table for "${split}" is in the data folder (tables: ${data.map((t) => t.path).join(', ')})`,
        );
      return { split, input: input.path, output };
    });
  } else {
    const unlabelled = inputs.filter((t) => !t.columns!.includes(label));
    if (unlabelled.length === 0)
      throw new LayoutError(`no table to predict: every table besides ${train.path} is labelled or a sample`);
    splits = unlabelled.map((t) => ({ split: stem(t.path), input: t.path, output: `${stem(t.path)}.csv` }));
  }

  const sampleFor = (split: string) =>
    samples.find((s) => belongsTo(s, split)) ??
    samples.find((s) => !splits.some((x) => belongsTo(s, x.split)));
  const sample = splits.map((s) => sampleFor(s.split)).find(Boolean);
  const inputCols = new Set(splits.flatMap((s) => data.find((t) => t.path === s.input)!.columns!));
  const ids = facts
    ? facts.ids.filter((c) => train.columns!.includes(c))
    : sample
      ? sample
          .columns!.filter((c) => c !== label && train.columns!.includes(c) && inputCols.has(c))
          .slice(0, 1)
      : train.columns!.filter((c) => /^(id|.*_id|.*Id|ID)$/.test(c) && inputCols.has(c)).slice(0, 1);
  const predColumns = sample ? sample.columns!.filter((c) => !ids.includes(c)) : [label];
  if (predColumns.length === 0)
    throw new LayoutError(`the sample submission ${sample!.path} has no prediction column`);

  const metricNamed = facts ? metricFromText(facts.metric) : metricFromText(task.description ?? '');
  const features = train.columns!.filter((c) => c !== label && !ids.includes(c));
  const kind = taskOf(facts, train, label, metricNamed, predColumns);
  const metric: MetricName =
    metricNamed ??
    (kind === 'regression'
      ? 'rmse'
      : task.direction === 'minimize' || predColumns.length > 1
        ? 'log_loss'
        : 'accuracy');
  if (kind === 'classification' && REGRESSION_METRICS.has(metric))
    throw new LayoutError(`a classification task scored by ${metric} is not something the templates handle`);
  const prediction: DataLayout['prediction'] =
    kind === 'regression'
      ? { kind: 'value', columns: predColumns }
      : predColumns.length > 1 || predColumns[0] !== label
        ? { kind: 'class-probabilities', columns: predColumns }
        : {
            kind: metric === 'roc_auc' || metric === 'log_loss' ? 'probability' : 'label',
            columns: predColumns,
          };
  if (kind === 'regression' && predColumns.length !== 1)
    throw new LayoutError(
      `regression with ${predColumns.length} prediction columns (${predColumns.join(', ')}) is not supported`,
    );

  return {
    modality: modalityOf(facts, train, features),
    task: kind,
    metric,
    train: train.path,
    ids,
    label,
    prediction,
    splits,
  };
}
