import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths, rows, testCount } from './common.js';

const FEATURES = [
  'spacegroup',
  'number_of_total_atoms',
  'percent_atom_al',
  'percent_atom_ga',
  'percent_atom_in',
  'lattice_vector_1_ang',
  'lattice_vector_2_ang',
  'lattice_vector_3_ang',
  'lattice_angle_alpha_degree',
  'lattice_angle_beta_degree',
  'lattice_angle_gamma_degree',
];
const TARGETS = ['formation_energy_ev_natom', 'bandgap_energy_ev'];

/** train.csv / test.csv with ids 1..n per file and <id>/geometry.xyz folders; answers private/test.csv. */
export const nomad2018PredictTransparentConductors: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const row = (id: number) => [
    id,
    rng.pick([12, 33, 167, 194, 206, 227]),
    rng.pick([10, 20, 30, 40, 60, 80]),
    ...rows(9, () => rng.decimal(0, 90, 4)),
    rng.decimal(0.01, 0.6, 6),
    rng.decimal(0.5, 5.5, 6),
  ];
  const train = rows(size, (i) => row(i + 1));
  const test = rows(testCount(size), (i) => row(i + 1));
  writeCsv(pub('train.csv'), ['id', ...FEATURES, ...TARGETS], train);
  writeCsv(
    pub('test.csv'),
    ['id', ...FEATURES],
    test.map((r) => r.slice(0, 12)),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['id', ...TARGETS],
    test.map((r) => [r[0]!, 0.1779, 1.8892]),
  );
  writeCsv(priv('test.csv'), ['id', ...FEATURES, ...TARGETS], test);
  for (const r of train)
    writeFile(
      pub('train', String(r[0]), 'geometry.xyz'),
      `lattice_vector ${r[5]}\natom 0 0 0 Al # train ${r[0]}\n`,
    );
  for (const r of test)
    writeFile(
      pub('test', String(r[0]), 'geometry.xyz'),
      `lattice_vector ${r[5]}\natom 0 0 0 Ga # test ${r[0]}\n`,
    );
};
