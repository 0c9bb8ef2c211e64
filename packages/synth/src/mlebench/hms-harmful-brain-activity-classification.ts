import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths, testCount } from './common.js';

export const HMS_VOTES = ['seizure_vote', 'lpd_vote', 'gpd_vote', 'lrda_vote', 'grda_vote', 'other_vote'];
const COLS = [
  'eeg_id',
  'eeg_sub_id',
  'eeg_label_offset_seconds',
  'spectrogram_id',
  'spectrogram_sub_id',
  'spectrogram_label_offset_seconds',
  'label_id',
  'patient_id',
  'expert_consensus',
  ...HMS_VOTES,
];
const CONSENSUS = ['Seizure', 'LPD', 'GPD', 'LRDA', 'GRDA', 'Other'];

/**
 * train.csv (15 columns, several label rows per eeg_id), test.csv (spectrogram_id, eeg_id,
 * patient_id), <eeg_id>.parquet and <spectrogram_id>.parquet signal files (named as Kaggle names
 * them; their bytes are a placeholder, not Parquet), example_figures/; answers private/test.csv
 * (the full rows) and private/gold_submission.csv (votes as probabilities).
 */
export const hmsHarmfulBrainActivityClassification: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  let labelId = 0;
  const eegs = Array.from({ length: size + testCount(size) }, (_, e) => {
    const eeg = 1_000_000 + e * 7919;
    const spectrogram = 2_000_000 + e * 104_729;
    const patient = 10_000 + rng.int(Math.max(3, Math.ceil(size / 3)));
    return Array.from({ length: 1 + rng.int(3) }, (_, sub) => {
      const votes = HMS_VOTES.map(() => rng.int(4));
      if (!votes.some((v) => v > 0)) votes[rng.int(6)] = 1 + rng.int(3);
      const consensus = CONSENSUS[votes.indexOf(Math.max(...votes))]!;
      return [
        eeg,
        sub,
        sub * 2,
        spectrogram,
        sub,
        sub * 2,
        100_000 + labelId++,
        patient,
        consensus,
        ...votes,
      ];
    });
  });
  const train = eegs.slice(0, size).flat();
  const test = eegs.slice(size).flat();
  writeCsv(pub('train.csv'), COLS, train);
  writeCsv(
    pub('test.csv'),
    ['spectrogram_id', 'eeg_id', 'patient_id'],
    eegs.slice(size).map((rs) => [rs[0]![3]!, rs[0]![0]!, rs[0]![7]!]),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['eeg_id', ...HMS_VOTES],
    test.map((r) => [r[0]!, ...HMS_VOTES.map(() => 1 / 6)]),
  );
  writeCsv(priv('test.csv'), COLS, test);
  writeCsv(
    priv('gold_submission.csv'),
    ['eeg_id', ...HMS_VOTES],
    test.map((r) => {
      const v = r.slice(9) as number[];
      const total = v.reduce((a, b) => a + b, 0);
      return [r[0]!, ...v.map((x) => x / total)];
    }),
  );
  for (const [part, list] of [
    ['train', eegs.slice(0, size)],
    ['test', eegs.slice(size)],
  ] as const) {
    for (const rs of list) {
      writeFile(pub(`${part}_eegs`, `${rs[0]![0]}.parquet`), `synthetic EEG ${rs[0]![0]}\n`);
      writeFile(pub(`${part}_spectrograms`, `${rs[0]![3]}.parquet`), `synthetic spectrogram ${rs[0]![3]}\n`);
    }
  }
  writeFile(pub('example_figures', 'README.txt'), 'example figures of each class (not synthesised)\n');
};
