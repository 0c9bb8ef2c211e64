import { writeCsv } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths, testCount } from './common.js';

const NUMERIC = [
  'Elevation',
  'Aspect',
  'Slope',
  'Horizontal_Distance_To_Hydrology',
  'Vertical_Distance_To_Hydrology',
  'Horizontal_Distance_To_Roadways',
  'Hillshade_9am',
  'Hillshade_Noon',
  'Hillshade_3pm',
  'Horizontal_Distance_To_Fire_Points',
];
const BINARY = [
  ...Array.from({ length: 4 }, (_, i) => `Wilderness_Area${i + 1}`),
  ...Array.from({ length: 40 }, (_, i) => `Soil_Type${i + 1}`),
];

/** train.csv (Id, 10 numeric, 44 binary, Cover_Type 1–7), test.csv without Cover_Type; answers private/test.csv; sample Cover_Type 2. */
export const tabularPlaygroundSeriesDec2021: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const all = Array.from({ length: size + testCount(size) }, (_, i) => [
    i * 3 + rng.int(3),
    ...NUMERIC.map(() => rng.int(3000) - 100),
    ...BINARY.map(() => (rng.float() < 0.1 ? 1 : 0)),
    1 + rng.int(7),
  ]);
  const train = all.slice(0, size);
  const test = all.slice(size);
  const cols = ['Id', ...NUMERIC, ...BINARY, 'Cover_Type'];
  writeCsv(pub('train.csv'), cols, train);
  writeCsv(
    pub('test.csv'),
    cols.slice(0, -1),
    test.map((r) => r.slice(0, -1)),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['Id', 'Cover_Type'],
    test.map((r) => [r[0]!, 2]),
  );
  writeCsv(priv('test.csv'), cols, test);
};
