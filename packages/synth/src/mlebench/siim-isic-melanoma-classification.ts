import { dicom, jpeg } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { level, paths, testCount } from './common.js';

const SITES = ['torso', 'lower extremity', 'upper extremity', 'head/neck', ''];

/**
 * train.csv (image_name, patient_id, sex, age_approx, anatom_site_general_challenge, diagnosis,
 * benign_malignant, target), test.csv (the first five), train/<image>.dcm, test/<image>.dcm,
 * jpeg/{train,test}/<image>.jpg, tfrecords/trainNN-<count>.tfrec (invented shard bytes: HCE
 * withholds non-CSV leak files whole); answers private/test.csv (image_name, target). The test
 * images are whole shards, so whole patients.
 */
export const siimIsicMelanomaClassification: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const patients = Array.from(
    { length: Math.max(4, Math.ceil((size + testCount(size)) / 4)) },
    (_, p) => `IP_${String(1_000_000 + p * 7919).slice(0, 7)}`,
  );
  let n = 0;
  const image = () => {
    const i = n++;
    const target = rng.float() < 0.5 ? 1 : 0;
    return [
      `ISIC_${String(i * 9973 + rng.int(9973)).padStart(7, '0')}`,
      '',
      rng.pick(['male', 'female']),
      20 + 5 * rng.int(12),
      rng.pick(SITES),
      target ? 'melanoma' : 'unknown',
      target ? 'malignant' : 'benign',
      target,
    ] as [string, string, string, number, string, string, string, number];
  };
  const all = patients.flatMap((p) =>
    Array.from({ length: 2 + rng.int(5) }, () => {
      const r = image();
      r[1] = p;
      return r;
    }),
  );
  const testPatients = new Set(patients.slice(-Math.max(1, Math.ceil(patients.length / 10))));
  const train = all.filter((r) => !testPatients.has(r[1]));
  const test = all.filter((r) => testPatients.has(r[1]));
  writeCsv(
    pub('train.csv'),
    [
      'image_name',
      'patient_id',
      'sex',
      'age_approx',
      'anatom_site_general_challenge',
      'diagnosis',
      'benign_malignant',
      'target',
    ],
    train,
  );
  writeCsv(
    pub('test.csv'),
    ['image_name', 'patient_id', 'sex', 'age_approx', 'anatom_site_general_challenge'],
    test.map((r) => r.slice(0, 5)),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['image_name', 'target'],
    test.map((r) => [r[0], 0]),
  );
  writeCsv(
    priv('test.csv'),
    ['image_name', 'target'],
    test.map((r) => [r[0], r[7]]),
  );
  for (const [part, list] of [
    ['train', train],
    ['test', test],
  ] as const) {
    for (const r of list) {
      const l = level(rng);
      writeFile(pub(part, `${r[0]}.dcm`), dicom(l, r[1]));
      writeFile(pub('jpeg', part, `${r[0]}.jpg`), jpeg(l));
    }
  }
  writeFile(
    pub('tfrecords', `train00-${train.length}.tfrec`),
    `synthetic shard of ${train.length} records\n`,
  );
};
