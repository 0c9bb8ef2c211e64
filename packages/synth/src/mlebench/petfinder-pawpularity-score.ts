import { jpeg } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { hexIds, level, paths, testCount } from './common.js';

const FLAGS = [
  'Subject Focus',
  'Eyes',
  'Face',
  'Near',
  'Action',
  'Accessory',
  'Group',
  'Collage',
  'Human',
  'Occlusion',
  'Info',
  'Blur',
];

/** train.csv (Id, 12 photo flags, Pawpularity 1–100), test.csv, train/<Id>.jpg, test/<Id>.jpg; answers private/test.csv. */
export const petfinderPawpularityScore: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const all = hexIds(rng, size + testCount(size), 32).map((id) => [
    id,
    ...FLAGS.map(() => rng.int(2)),
    1 + rng.int(100),
  ]);
  const train = all.slice(0, size);
  const test = all.slice(size);
  writeCsv(pub('train.csv'), ['Id', ...FLAGS, 'Pawpularity'], train);
  writeCsv(
    pub('test.csv'),
    ['Id', ...FLAGS],
    test.map((r) => r.slice(0, -1)),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['Id', 'Pawpularity'],
    test.map((r) => [r[0]!, (1 + 99 * rng.float()).toFixed(2)]),
  );
  writeCsv(priv('test.csv'), ['Id', ...FLAGS, 'Pawpularity'], test);
  for (const r of train) writeFile(pub('train', `${r[0]}.jpg`), jpeg(level(rng)));
  for (const r of test) writeFile(pub('test', `${r[0]}.jpg`), jpeg(level(rng)));
};
