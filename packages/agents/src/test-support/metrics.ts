import { parseCsv, type CsvTable } from '@aira/competitions';

/**
 * The metrics the tests grade predictions with, in the coordinator's process (as HCE does):
 * predictions by id against the hidden answers by id. A missing or extra id, or a value that is
 * not a finite number, makes the predictions invalid.
 */

export class InvalidPredictions extends Error {}

/** The rows of a prediction file, read with the graders' CSV reader: id first, numbers after. */
export function readPredictions(text: string): { columns: string[]; rows: Map<string, number[]> } {
  let table: CsvTable;
  try {
    table = parseCsv(text, 'predictions');
  } catch (err) {
    throw new InvalidPredictions(err instanceof Error ? err.message : String(err));
  }
  const [id, ...rest] = table.columns;
  const rows = new Map<string, number[]>();
  for (const row of table.rows) {
    const values = rest.map((c) => Number(row[c]));
    if (values.some((v) => !Number.isFinite(v)))
      throw new InvalidPredictions(
        `not numbers: ${table.columns
          .map((c) => row[c])
          .join(',')
          .slice(0, 80)}`,
      );
    const key = row[id!]!;
    if (rows.has(key)) throw new InvalidPredictions(`id ${key} twice`);
    rows.set(key, values);
  }
  return { columns: table.columns, rows };
}

function aligned(answers: Map<string, string>, predicted: Map<string, number[]>): Array<[string, number[]]> {
  if (predicted.size !== answers.size)
    throw new InvalidPredictions(`${predicted.size} rows where ${answers.size} were expected`);
  return [...answers.entries()].map(([id, truth]) => {
    const p = predicted.get(id);
    if (!p) throw new InvalidPredictions(`no prediction for id ${id}`);
    return [truth, p];
  });
}

export function rmse(answers: Map<string, string>, predicted: Map<string, number[]>): number {
  const pairs = aligned(answers, predicted);
  return Math.sqrt(pairs.reduce((s, [t, p]) => s + (Number(t) - p[0]!) ** 2, 0) / pairs.length);
}

/** ROC AUC by ranks (ties share their mean rank), positives labelled "1". */
export function rocAuc(answers: Map<string, string>, predicted: Map<string, number[]>): number {
  const pairs = aligned(answers, predicted)
    .map(([t, p]) => ({ pos: t === '1', s: p[0]! }))
    .sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < pairs.length;) {
    let j = i;
    while (j < pairs.length && pairs[j]!.s === pairs[i]!.s) j++;
    const mean = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (pairs[k]!.pos) rankSum += mean;
    i = j;
  }
  const npos = pairs.filter((p) => p.pos).length;
  const nneg = pairs.length - npos;
  return (rankSum - (npos * (npos + 1)) / 2) / (npos * nneg);
}

/** Multi-class log loss with probabilities clipped to [1e-15, 1 − 1e-15] and rows renormalised. */
export function logLoss(
  answers: Map<string, string>,
  predicted: Map<string, number[]>,
  classes: string[],
): number {
  const pairs = aligned(answers, predicted);
  let total = 0;
  for (const [t, p] of pairs) {
    const clipped = p.map((x) => Math.min(1 - 1e-15, Math.max(1e-15, x)));
    const sum = clipped.reduce((s, x) => s + x, 0);
    total -= Math.log(clipped[classes.indexOf(t)]! / sum);
  }
  return total / pairs.length;
}

export function accuracy(answers: Map<string, string>, predicted: Map<string, number[]>): number {
  const pairs = aligned(answers, predicted);
  return pairs.filter(([t, p]) => Number(t) === p[0]).length / pairs.length;
}
