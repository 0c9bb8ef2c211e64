import { jpeg } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { level, paths, testCount } from './common.js';

const DISEASES = [
  'Cassava Bacterial Blight (CBB)',
  'Cassava Brown Streak Disease (CBSD)',
  'Cassava Green Mottle (CGM)',
  'Cassava Mosaic Disease (CMD)',
  'Healthy',
];

/**
 * train.csv (image_id with ".jpg", label 0–4), label_num_to_disease_map.json, train_images/,
 * test_images/, train_tfrecords/ld_trainNN-<count>.tfrec and test_tfrecords/ld_testNN-<count>.tfrec
 * (invented shard bytes: HCE withholds non-CSV leak files whole); no public test.csv; answers
 * private/test.csv.
 */
export const cassavaLeafDiseaseClassification: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const ids = new Set<string>();
  while (ids.size < size + testCount(size)) ids.add(`${1000000 + rng.int(4_000_000_000)}.jpg`);
  const all = [...ids].map((id) => [id, rng.int(5)] as const);
  const train = all.slice(0, size);
  const test = all.slice(size);
  writeCsv(pub('train.csv'), ['image_id', 'label'], train);
  writeCsv(
    pub('sample_submission.csv'),
    ['image_id', 'label'],
    test.map(([id]) => [id, 4]),
  );
  writeCsv(priv('test.csv'), ['image_id', 'label'], test);
  writeFile(
    pub('label_num_to_disease_map.json'),
    `${JSON.stringify(Object.fromEntries(DISEASES.map((d, i) => [String(i), d])), null, 4)}`,
  );
  for (const [id] of train) writeFile(pub('train_images', id), jpeg(level(rng)));
  for (const [id] of test) writeFile(pub('test_images', id), jpeg(level(rng)));
  writeFile(
    pub('train_tfrecords', `ld_train00-${train.length}.tfrec`),
    `synthetic shard of ${train.length} records\n`,
  );
  writeFile(
    pub('test_tfrecords', `ld_test00-${test.length}.tfrec`),
    `synthetic shard of ${test.length} records\n`,
  );
};
