import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths, testCount } from './common.js';

const TYPES = ['1JHC', '2JHH', '3JHC', '1JHN', '2JHC', '3JHH'];
const ELEMENTS = ['C', 'H', 'N', 'O'];

/**
 * train.csv / test.csv (one row per atom pair, grouped by molecule_name), sample_submission.csv,
 * and the per-molecule side tables and structures/<molecule>.xyz for train molecules only, as
 * MLE-bench's prepare leaves them; answers private/answers.csv (the six train columns).
 */
export const champsScalarCoupling: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const molecules = Array.from({ length: size + testCount(size) }, (_, m) => {
    const name = `dsgdb9nsd_${String(m + 1).padStart(6, '0')}`;
    const atoms = Array.from({ length: 4 + rng.int(5) }, (_, a) => ({
      a,
      el: rng.pick(ELEMENTS),
      xyz: [rng.decimal(-2, 2, 6), rng.decimal(-2, 2, 6), rng.decimal(-2, 2, 6)],
    }));
    return { name, atoms };
  });
  let id = 0;
  const pairs = molecules.map((m) =>
    Array.from({ length: 2 + rng.int(4) }, () => {
      const t = rng.pick(TYPES);
      return [
        id++,
        m.name,
        rng.int(m.atoms.length),
        rng.int(m.atoms.length),
        t,
        rng.decimal(-20, 200, 5),
      ] as const;
    }),
  );
  const trainMols = molecules.slice(0, size);
  const train = pairs.slice(0, size).flat();
  const test = pairs.slice(size).flat();
  const cols = ['id', 'molecule_name', 'atom_index_0', 'atom_index_1', 'type', 'scalar_coupling_constant'];
  writeCsv(pub('train.csv'), cols, train);
  writeCsv(
    pub('test.csv'),
    cols.slice(0, 5),
    test.map((r) => r.slice(0, 5)),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['id', 'scalar_coupling_constant'],
    test.map((r) => [r[0], 0]),
  );
  writeCsv(priv('answers.csv'), cols, test);
  writeCsv(
    pub('structures.csv'),
    ['molecule_name', 'atom_index', 'atom', 'x', 'y', 'z'],
    trainMols.flatMap((m) => m.atoms.map((a) => [m.name, a.a, a.el, ...a.xyz])),
  );
  for (const m of trainMols)
    writeFile(
      pub('structures', `${m.name}.xyz`),
      `${m.atoms.length}\n\n${m.atoms.map((a) => `${a.el} ${a.xyz.join(' ')}`).join('\n')}\n`,
    );
  writeCsv(
    pub('dipole_moments.csv'),
    ['molecule_name', 'X', 'Y', 'Z'],
    trainMols.map((m) => [m.name, rng.decimal(-3, 3, 4), rng.decimal(-3, 3, 4), rng.decimal(-3, 3, 4)]),
  );
  writeCsv(
    pub('potential_energy.csv'),
    ['molecule_name', 'potential_energy'],
    trainMols.map((m) => [m.name, rng.decimal(-500, -40, 5)]),
  );
  writeCsv(
    pub('mulliken_charges.csv'),
    ['molecule_name', 'atom_index', 'mulliken_charge'],
    trainMols.flatMap((m) => m.atoms.map((a) => [m.name, a.a, rng.decimal(-0.6, 0.6, 6)])),
  );
  const tensor = ['XX', 'YX', 'ZX', 'XY', 'YY', 'ZY', 'XZ', 'YZ', 'ZZ'];
  writeCsv(
    pub('magnetic_shielding_tensors.csv'),
    ['molecule_name', 'atom_index', ...tensor],
    trainMols.flatMap((m) =>
      m.atoms.map((a) => [m.name, a.a, ...tensor.map(() => rng.decimal(-50, 200, 4))]),
    ),
  );
  // The four contributions add up to the target (the reason HCE strips hidden molecules from this table).
  writeCsv(
    pub('scalar_coupling_contributions.csv'),
    ['molecule_name', 'atom_index_0', 'atom_index_1', 'type', 'fc', 'sd', 'pso', 'dso'],
    train.map((r) => {
      const total = Number(r[5]);
      return [
        r[1],
        r[2],
        r[3],
        r[4],
        (total * 0.9).toFixed(5),
        (total * 0.05).toFixed(5),
        (total * 0.03).toFixed(5),
        (total * 0.02).toFixed(5),
      ];
    }),
  );
};
