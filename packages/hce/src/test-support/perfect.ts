import { readCsvRecords } from '../csv/read.js';
import { csvLine } from '../csv/write.js';

/**
 * A perfect submission for a part: its sample submission's rows and columns, each value taken
 * from the answers row with the same id (the sample's first column), in the sample's order.
 */
export async function perfectSubmission(sampleFile: string, answersFile: string): Promise<string> {
  const sample = await readCsvRecords(sampleFile);
  const answers = await readCsvRecords(answersFile);
  const idCol = sample.header.cells[0]!;
  const aIdx = answers.header.cells.indexOf(idCol);
  if (aIdx < 0) throw new Error(`answers ${answersFile} have no column ${idCol}`);
  const byId = new Map(answers.rows.map((r) => [r.cells[aIdx]!, r.cells]));
  const cols = sample.header.cells.map((c) => answers.header.cells.indexOf(c));
  const lines = sample.rows.map((r) => {
    const a = byId.get(r.cells[0]!);
    if (!a) throw new Error(`id ${r.cells[0]} of ${sampleFile} is not in ${answersFile}`);
    return csvLine(cols.map((i, k) => (k === 0 ? r.cells[0]! : a[i]!)));
  });
  return csvLine(sample.header.cells) + lines.join('');
}
