import { jpeg } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { level, oneHot, paths, testCount } from './common.js';

/** Invented species names in Kaggle's Genus_Species form (Kaggle has 99). */
const SPECIES = ['Acer_Alba', 'Acer_Rubra', 'Quercus_Nova', 'Quercus_Parva', 'Tilia_Lata', 'Salix_Longa'];
const FEATURES = ['margin', 'shape', 'texture'].flatMap((f) =>
  Array.from({ length: 64 }, (_, i) => `${f}${i + 1}`),
);

/** train.csv (id, species, margin1..64, shape1..64, texture1..64), test.csv without species, images/<id>.jpg for both; answers one-hot private/test.csv. */
export const leafClassification: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const ids = Array.from({ length: size + testCount(size) }, (_, i) => 1 + i * 2 + rng.int(2));
  const all = ids.map(
    (id) => [id, rng.pick(SPECIES), ...FEATURES.map(() => rng.decimal(0, 0.1, 6))] as const,
  );
  const train = all.slice(0, size);
  const test = all.slice(size);
  writeCsv(pub('train.csv'), ['id', 'species', ...FEATURES], train);
  writeCsv(
    pub('test.csv'),
    ['id', ...FEATURES],
    test.map((r) => [r[0], ...r.slice(2)]),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['id', ...SPECIES],
    test.map((r) => [r[0], ...SPECIES.map(() => 1 / SPECIES.length)]),
  );
  writeCsv(
    priv('test.csv'),
    ['id', ...SPECIES],
    test.map((r) => [r[0], ...oneHot(SPECIES, r[1])]),
  );
  for (const r of all) writeFile(pub('images', `${r[0]}.jpg`), jpeg(level(rng)));
};
