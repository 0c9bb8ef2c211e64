import { writeCsv } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths, testCount } from './common.js';

const FEATURES = [
  'BertzCT',
  'Chi1',
  'Chi1n',
  'Chi1v',
  'Chi2n',
  'Chi2v',
  'Chi3v',
  'Chi4n',
  'EState_VSA1',
  'EState_VSA2',
  'ExactMolWt',
  'FpDensityMorgan1',
  'FpDensityMorgan2',
  'FpDensityMorgan3',
  'HallKierAlpha',
  'HeavyAtomMolWt',
  'Kappa3',
  'MaxAbsEStateIndex',
  'MinEStateIndex',
  'NumHeteroatoms',
  'PEOE_VSA10',
  'PEOE_VSA14',
  'PEOE_VSA6',
  'PEOE_VSA7',
  'PEOE_VSA8',
  'SMR_VSA10',
  'SMR_VSA5',
  'SlogP_VSA3',
  'VSA_EState9',
  'fr_COO',
  'fr_COO2',
];
const TARGETS = ['EC1', 'EC2', 'EC3', 'EC4', 'EC5', 'EC6'];

/** train.csv (id, 31 descriptors, EC1–EC6), test.csv without the targets; answers private/test.csv (full rows); sample EC1, EC2 0.5. */
export const playgroundSeriesS3e18: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const all = Array.from({ length: size + testCount(size) }, (_, i) => [
    i * 2 + rng.int(2),
    ...FEATURES.map((f) =>
      f.startsWith('fr_') || f === 'NumHeteroatoms' ? rng.int(8) : rng.decimal(0, 50, 6),
    ),
    ...TARGETS.map(() => rng.int(2)),
  ]);
  const train = all.slice(0, size);
  const test = all.slice(size);
  writeCsv(pub('train.csv'), ['id', ...FEATURES, ...TARGETS], train);
  writeCsv(
    pub('test.csv'),
    ['id', ...FEATURES],
    test.map((r) => r.slice(0, 1 + FEATURES.length)),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['id', 'EC1', 'EC2'],
    test.map((r) => [r[0]!, 0.5, 0.5]),
  );
  writeCsv(priv('test.csv'), ['id', ...FEATURES, ...TARGETS], test);
};
