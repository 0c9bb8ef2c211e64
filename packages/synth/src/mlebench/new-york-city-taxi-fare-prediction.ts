import { writeCsv } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths, rows, testCount } from './common.js';

const COLS = [
  'key',
  'fare_amount',
  'pickup_datetime',
  'pickup_longitude',
  'pickup_latitude',
  'dropoff_longitude',
  'dropoff_latitude',
  'passenger_count',
];

/** labels.csv (the labelled train rows), test.csv without fare_amount; answers private/test.csv. */
export const newYorkCityTaxiFarePrediction: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const row = (i: number) => {
    const t = `2012-0${1 + rng.int(9)}-1${rng.int(10)} 1${rng.int(10)}:${10 + rng.int(50)}:${10 + rng.int(50)}`;
    return [
      `${t}.000000${i}`,
      rng.decimal(2.5, 80),
      `${t} UTC`,
      rng.decimal(-74.1, -73.7, 6),
      rng.decimal(40.6, 40.9, 6),
      rng.decimal(-74.1, -73.7, 6),
      rng.decimal(40.6, 40.9, 6),
      1 + rng.int(5),
    ];
  };
  const train = rows(size, row);
  const test = rows(testCount(size), (i) => row(size + i));
  writeCsv(pub('labels.csv'), COLS, train);
  writeCsv(
    pub('test.csv'),
    COLS.filter((c) => c !== 'fare_amount'),
    test.map((r) => r.filter((_, i) => i !== 1)),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['key', 'fare_amount'],
    test.map((r) => [r[0]!, 11.35]),
  );
  writeCsv(priv('test.csv'), COLS, test);
};
