import { writeCsv } from '../write.js';
import type { SynthWriter } from '../types.js';
import { oneHot, paths, rows, testCount } from './common.js';

const WORDS = [
  'raven',
  'night',
  'dread',
  'ancient',
  'shadow',
  'heart',
  'sea',
  'mountain',
  'strange',
  'horror',
  'tomb',
  'love',
];
const AUTHORS = ['EAP', 'HPL', 'MWS'];

/** train.csv (id, text, author), test.csv; answers one-hot private/test.csv (id, EAP, HPL, MWS). */
export const spookyAuthorIdentification: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const row = () => {
    const author = rng.pick(AUTHORS);
    const text =
      rows(6 + rng.int(8), () => rng.pick(WORDS)).join(' ') + (rng.float() < 0.3 ? ', "she said."' : '.');
    return [`id${rng.hex(8)}`, text, author];
  };
  const train = rows(size, row);
  const test = rows(testCount(size), row);
  writeCsv(pub('train.csv'), ['id', 'text', 'author'], train);
  writeCsv(
    pub('test.csv'),
    ['id', 'text'],
    test.map((r) => r.slice(0, 2)),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['id', ...AUTHORS],
    test.map((r) => [r[0]!, 0.403493538995863, 0.287808366106543, 0.308698094897594]),
  );
  writeCsv(
    priv('test.csv'),
    ['id', ...AUTHORS],
    test.map((r) => [r[0]!, ...oneHot(AUTHORS, r[2]!)]),
  );
};
