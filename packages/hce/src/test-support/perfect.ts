import { readCsvRecords } from '../csv/read.js';
import { csvLine } from '../csv/write.js';

/**
 * A perfect submission for a part: its sample submission's rows and columns, each value taken
 * from the answers row with the same id (the sample's first column), in the sample's order. A
 * sample column the answers lack is a class of the answers' single label column (probabilities
 * against a label, as mini-fortunes grades): 1 for the true class, 0 otherwise.
 */
export async function perfectSubmission(sampleFile: string, answersFile: string): Promise<string> {
  const sample = await readCsvRecords(sampleFile);
  const answers = await readCsvRecords(answersFile);
  const idCol = sample.header.cells[0]!;
  const aIdx = answers.header.cells.indexOf(idCol);
  if (aIdx < 0) throw new Error(`answers ${answersFile} have no column ${idCol}`);
  const byId = new Map(answers.rows.map((r) => [r.cells[aIdx]!, r.cells]));
  const labels = answers.header.cells.map((_, i) => i).filter((i) => i !== aIdx);
  const value = (a: string[], col: string): string => {
    const i = answers.header.cells.indexOf(col);
    if (i >= 0) return a[i]!;
    if (labels.length !== 1) throw new Error(`sample column ${col} is not in ${answersFile}`);
    return a[labels[0]!] === col ? '1' : '0';
  };
  const lines = sample.rows.map((r) => {
    const a = byId.get(r.cells[0]!);
    if (!a) throw new Error(`id ${r.cells[0]} of ${sampleFile} is not in ${answersFile}`);
    return csvLine(sample.header.cells.map((col, k) => (k === 0 ? r.cells[0]! : value(a, col))));
  });
  return csvLine(sample.header.cells) + lines.join('');
}
