import { jpeg } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { hexIds, level, oneHot, paths, testCount } from './common.js';

/** A handful of invented breed names (Kaggle has 120; the layout, not the class count, is what matters here). */
const BREEDS = ['affenpinscher', 'beagle', 'collie', 'dingo', 'kelpie', 'pug', 'saluki', 'vizsla'];

/** labels.csv (id, breed), train/<id>.jpg, test/<id>.jpg; answers one-hot private/test.csv; sample 1/classes. */
export const dogBreedIdentification: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const all = hexIds(rng, size + testCount(size), 32).map((id) => [id, rng.pick(BREEDS)] as const);
  const train = all.slice(0, size);
  const test = all.slice(size);
  writeCsv(pub('labels.csv'), ['id', 'breed'], train);
  writeCsv(
    priv('test.csv'),
    ['id', ...BREEDS],
    test.map(([id, b]) => [id, ...oneHot(BREEDS, b)]),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['id', ...BREEDS],
    test.map(([id]) => [id, ...BREEDS.map(() => 1 / BREEDS.length)]),
  );
  for (const [id] of train) writeFile(pub('train', `${id}.jpg`), jpeg(level(rng)));
  for (const [id] of test) writeFile(pub('test', `${id}.jpg`), jpeg(level(rng)));
};
