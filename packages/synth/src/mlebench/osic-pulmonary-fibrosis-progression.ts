import { join } from 'node:path';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';

const COLUMNS = ['Patient', 'Weeks', 'FVC', 'Percent', 'Age', 'Sex', 'SmokingStatus'];

/** A few bytes standing in for a DICOM slice (128-byte preamble, "DICM", random body). */
const fakeDicom = (body: number[]) =>
  Uint8Array.from([...new Array<number>(128).fill(0), 0x44, 0x49, 0x43, 0x4d, ...body]);

/**
 * osic-pulmonary-fibrosis-progression (docs/hce-recipes.md): train.csv has several visits per
 * patient; test.csv each test patient's first visit; the answers are the dense Patient × week
 * grid over the test part's min..max week (measured weeks carry the row, the rest NaN), with
 * Patient_Week and Confidence = 100; CT slices under train/<Patient>/ and test/<Patient>/.
 */
export const osicPulmonaryFibrosis: SynthWriter = ({ root, rng, size }) => {
  const nPatients = Math.max(10, Math.round(size / 7));
  const patient = () => {
    const id = `ID${Array.from({ length: 23 }, () => rng.int(10)).join('')}`;
    const age = 55 + rng.int(30);
    const sex = rng.pick(['Male', 'Male', 'Female']);
    const smoke = rng.pick(['Ex-smoker', 'Never smoked', 'Currently smokes']);
    let week = -5 + rng.int(15);
    const base = 1800 + rng.int(2000);
    const visits = Array.from({ length: 5 + rng.int(4) }, () => {
      const w = week;
      week += 1 + rng.int(12);
      const fvc = base - rng.int(400);
      return [id, w, fvc, ((fvc / (base + 600)) * 100).toFixed(13), age, sex, smoke] as (string | number)[];
    });
    return { id, visits };
  };
  const train = Array.from({ length: nPatients }, patient);
  const test = Array.from({ length: Math.max(3, Math.round(nPatients / 9)) }, patient);
  writeCsv(
    join(root, 'public/train.csv'),
    COLUMNS,
    train.flatMap((p) => p.visits),
  );
  writeCsv(
    join(root, 'public/test.csv'),
    COLUMNS,
    [...test].sort((a, b) => (a.id < b.id ? -1 : 1)).map((p) => p.visits[0]!),
  );
  const weeks = test.flatMap((p) => p.visits.map((v) => Number(v[1])));
  const lo = Math.min(...weeks);
  const hi = Math.max(...weeks);
  const grid = test.flatMap((p) =>
    Array.from({ length: hi - lo + 1 }, (_, k) => {
      const w = lo + k;
      const v = p.visits.find((x) => x[1] === w);
      return v
        ? [p.id, w, `${v[2]}.0`, v[3]!, `${v[4]}.0`, v[5]!, v[6]!, `${p.id}_${w}`, 100]
        : [p.id, w, '', '', '', '', '', `${p.id}_${w}`, 100];
    }),
  );
  writeCsv(join(root, 'private/test.csv'), [...COLUMNS, 'Patient_Week', 'Confidence'], grid);
  writeCsv(
    join(root, 'public/sample_submission.csv'),
    ['Patient_Week', 'FVC', 'Confidence'],
    grid.map((g) => [g[7]!, 2000, 100]),
  );
  for (const [dir, ps] of [
    ['train', train],
    ['test', test],
  ] as const) {
    for (const p of ps)
      for (let k = 1; k <= 2; k++)
        writeFile(
          join(root, 'public', dir, p.id, `${k}.dcm`),
          fakeDicom(Array.from({ length: 16 }, () => rng.int(256))),
        );
  }
};
