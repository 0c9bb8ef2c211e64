import { writeCsv } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths, testCount } from './common.js';

const F = Array.from({ length: 31 }, (_, i) => `f_${String(i).padStart(2, '0')}`);
const INTS = new Set([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 29, 30]);

/**
 * train.csv (id renumbered 0..n-1, f_00–f_30 with f_27 a 10-letter string, target), test.csv
 * without target, ids continuing after train's; answers private/test.csv and gold_submission.csv; sample target 0.5.
 */
export const tabularPlaygroundSeriesMay2022: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const features = () =>
    F.map((_, i) =>
      i === 27
        ? Array.from({ length: 10 }, () => 'ABCDEFGHIJKLMNOPQRST'[rng.int(20)]).join('')
        : INTS.has(i)
          ? rng.int(i >= 29 ? 3 : 12)
          : rng.normal().toFixed(6),
    );
  const all = Array.from({ length: size + testCount(size) }, (_, id) => [id, ...features(), rng.int(2)]);
  const train = all.slice(0, size);
  const test = all.slice(size);
  const cols = ['id', ...F, 'target'];
  writeCsv(pub('train.csv'), cols, train);
  writeCsv(
    pub('test.csv'),
    cols.slice(0, -1),
    test.map((r) => r.slice(0, -1)),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['id', 'target'],
    test.map((r) => [r[0]!, 0.5]),
  );
  writeCsv(priv('test.csv'), cols, test);
  writeCsv(
    priv('gold_submission.csv'),
    ['id', 'target'],
    test.map((r) => [r[0]!, r[r.length - 1]!]),
  );
};
