import { join } from 'node:path';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';

const TARGETS = ['reactivity', 'deg_Mg_pH10', 'deg_pH10', 'deg_Mg_50C', 'deg_50C'] as const;
const ERRORS = [
  'reactivity_error',
  'deg_error_Mg_pH10',
  'deg_error_pH10',
  'deg_error_Mg_50C',
  'deg_error_50C',
] as const;
const LENGTH = 12;
const SCORED = 8;

/**
 * stanford-covid-vaccine (docs/hce-recipes.md): train.json and test.json are JSON Lines;
 * test rows are drawn only from SN_filter = 1 rows; answers are melted to `<id>_<pos>` rows over
 * all seq_length positions with 0.0 and keep=False beyond seq_scored. Sequences are 12 long here.
 */
export const stanfordCovidVaccine: SynthWriter = ({ root, rng, size }) => {
  const nTest = Math.max(2, Math.round(size / 9));
  const seq = (alphabet: string) => Array.from({ length: LENGTH }, () => rng.pick([...alphabet])).join('');
  const arr = () => Array.from({ length: SCORED }, () => Number(rng.decimal(-0.5, 3, 10)));
  const rows = Array.from({ length: size + nTest }, (_, i) => {
    const sn = i >= size || rng.float() < 0.7 ? 1 : 0;
    return {
      id: `id_${rng.hex(9)}`,
      sequence: seq('ACGU'),
      structure: seq('.()'),
      predicted_loop_type: seq('SMHEBIX'),
      signal_to_noise: Number(rng.decimal(0, 10, 3)),
      SN_filter: sn,
      errors: ERRORS.map(arr),
      targets: TARGETS.map(arr),
    };
  });
  const train = rows.slice(0, size);
  const test = rows.slice(size);
  const full = (r: (typeof rows)[number], index: number) =>
    JSON.stringify({
      index,
      id: r.id,
      sequence: r.sequence,
      structure: r.structure,
      predicted_loop_type: r.predicted_loop_type,
      signal_to_noise: r.signal_to_noise,
      SN_filter: r.SN_filter,
      seq_length: LENGTH,
      seq_scored: SCORED,
      ...Object.fromEntries(ERRORS.map((k, j) => [k, r.errors[j]])),
      ...Object.fromEntries(TARGETS.map((k, j) => [k, r.targets[j]])),
    });
  const input = (r: (typeof rows)[number], index: number) =>
    JSON.stringify({
      index,
      id: r.id,
      sequence: r.sequence,
      structure: r.structure,
      predicted_loop_type: r.predicted_loop_type,
      seq_length: LENGTH,
      seq_scored: SCORED,
    });
  writeFile(join(root, 'public/train.json'), train.map(full).join('\n') + '\n');
  writeFile(join(root, 'public/test.json'), test.map(input).join('\n') + '\n');
  const melted = test.flatMap((r) =>
    Array.from({ length: LENGTH }, (_, p) => [
      `${r.id}_${p}`,
      ...TARGETS.map((_, j) => (p < SCORED ? r.targets[j]![p]! : 0).toFixed(10)),
      p < SCORED ? 'True' : 'False',
    ]),
  );
  writeCsv(join(root, 'private/test.csv'), ['id_seqpos', ...TARGETS, 'keep'], melted);
  writeCsv(
    join(root, 'public/sample_submission.csv'),
    ['id_seqpos', ...TARGETS],
    melted.map((m) => [m[0]!, ...TARGETS.map(() => '0.0000000000')]),
  );
};
