import { jpeg } from '../media.js';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { hexIds, level, paths, testCount } from './common.js';

/**
 * train.csv (image, chain, hotel_id, timestamp), train_images/<chain>/<image>, flat
 * test_images/<image>; no public test.csv; answers private/test.csv (the full rows).
 */
export const hotelId2021Fgvc8: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const hotels = Array.from({ length: Math.max(5, Math.ceil(size / 6)) }, (_, h) => ({
    hotel: 10_000 + h * 37,
    chain: rng.int(8),
  }));
  const all = hexIds(rng, size + testCount(size), 16).map((id) => {
    const h = rng.pick(hotels);
    return [
      `${id}.jpg`,
      h.chain,
      h.hotel,
      `2018-0${1 + rng.int(9)}-1${rng.int(10)} 0${rng.int(10)}:1${rng.int(10)}:2${rng.int(10)}`,
    ] as const;
  });
  const train = all.slice(0, size);
  const test = all.slice(size);
  const cols = ['image', 'chain', 'hotel_id', 'timestamp'];
  writeCsv(pub('train.csv'), cols, train);
  writeCsv(
    pub('sample_submission.csv'),
    ['image', 'hotel_id'],
    test.map((r) => [r[0], '36363 53586 18807 64314 60181']),
  );
  writeCsv(priv('test.csv'), cols, test);
  for (const r of train) writeFile(pub('train_images', String(r[1]), r[0]), jpeg(level(rng)));
  for (const r of test) writeFile(pub('test_images', r[0]), jpeg(level(rng)));
};
