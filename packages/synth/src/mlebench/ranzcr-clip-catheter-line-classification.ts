import { jpeg } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { level, paths, testCount } from './common.js';

const LABELS = [
  'ETT - Abnormal',
  'ETT - Borderline',
  'ETT - Normal',
  'NGT - Abnormal',
  'NGT - Borderline',
  'NGT - Incompletely Imaged',
  'NGT - Normal',
  'CVC - Abnormal',
  'CVC - Borderline',
  'CVC - Normal',
  'Swan Ganz Catheter Present',
];
/** The nine classes MLE-bench's sample submission (and grader) use: not the last two labels. */
const SCORED = LABELS.slice(0, 9);

/**
 * train.csv (StudyInstanceUID, 11 labels, PatientID), train_annotations.csv (train studies only),
 * train/<uid>.jpg, test/<uid>.jpg; answers private/test.csv (full rows); sample the 9 scored classes at 0.
 */
export const ranzcrClipCatheterLineClassification: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const uid = () => `1.2.826.0.1.3680043.8.498.${10_000_000 + rng.int(89_999_999)}${rng.int(1_000_000)}`;
  const patients = Array.from({ length: Math.max(3, Math.ceil(size / 3)) }, () => `ec${rng.hex(7)}`);
  const all = Array.from({ length: size + testCount(size) }, () => {
    const labels = LABELS.map(() => (rng.float() < 0.5 ? 1 : 0));
    return [uid(), ...labels, rng.pick(patients)] as const;
  });
  const train = all.slice(0, size);
  const test = all.slice(size);
  const cols = ['StudyInstanceUID', ...LABELS, 'PatientID'];
  writeCsv(pub('train.csv'), cols, train);
  writeCsv(
    pub('train_annotations.csv'),
    ['StudyInstanceUID', 'label', 'data'],
    train
      .filter(() => rng.float() < 0.5)
      .map((r) => [
        r[0],
        rng.pick(LABELS.slice(0, 10)),
        `[[${rng.int(2000)}, ${rng.int(2000)}], [${rng.int(2000)}, ${rng.int(2000)}]]`,
      ]),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['StudyInstanceUID', ...SCORED],
    test.map((r) => [r[0], ...SCORED.map(() => 0)]),
  );
  writeCsv(priv('test.csv'), cols, test);
  for (const r of train) writeFile(pub('train', `${r[0]}.jpg`), jpeg(level(rng)));
  for (const r of test) writeFile(pub('test', `${r[0]}.jpg`), jpeg(level(rng)));
};
