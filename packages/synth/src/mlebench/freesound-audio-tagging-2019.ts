import { join } from 'node:path';
import { writeCsv, writeZip } from '../write.js';
import type { SynthRng } from '../rng.js';
import type { SynthWriter } from '../types.js';

/** A few of the competition's 80 class names (the grader takes the class columns from the answers). */
const CLASSES = [
  'Accelerating_and_revving_and_vroom',
  'Accordion',
  'Acoustic_guitar',
  'Applause',
  'Bark',
  'Bass_drum',
  'Bass_guitar',
  'Bicycle_bell',
];

/** A tiny RIFF/WAVE header with a few random samples. */
function fakeWav(rng: SynthRng): Uint8Array {
  const data = Array.from({ length: 16 }, () => rng.int(256));
  const header = [0x52, 0x49, 0x46, 0x46, 36 + data.length, 0, 0, 0, 0x57, 0x41, 0x56, 0x45];
  return Uint8Array.from([...header, ...data]);
}

/**
 * freesound-audio-tagging-2019 (docs/hce-recipes.md): Kaggle's download as is: train_curated.csv
 * and train_noisy.csv (`fname`, `labels` = comma-separated class names), audio zipped flat in
 * train_curated.zip, train_noisy.zip and test.zip, sample_submission.csv (`fname` + one column per
 * class); answers are the test clips multi-hot in the class order. `size` = curated clips.
 */
export const freesoundAudioTagging2019: SynthWriter = ({ root, rng, size }) => {
  const clip = () => ({
    fname: `${rng.hex(8)}.wav`,
    labels: [...new Set(Array.from({ length: 1 + rng.int(2) }, () => rng.pick(CLASSES)))],
    wav: fakeWav(rng),
  });
  const curated = Array.from({ length: size }, clip);
  const noisy = Array.from({ length: Math.round(size / 2) }, clip);
  const test = Array.from({ length: Math.max(4, Math.round(size / 8)) }, clip);
  for (const [name, clips] of [
    ['train_curated', curated],
    ['train_noisy', noisy],
  ] as const) {
    writeCsv(
      join(root, `public/${name}.csv`),
      ['fname', 'labels'],
      clips.map((c) => [c.fname, c.labels.join(',')]),
    );
    writeZip(join(root, `public/${name}.zip`), Object.fromEntries(clips.map((c) => [c.fname, c.wav])));
  }
  writeZip(join(root, 'public/test.zip'), Object.fromEntries(test.map((c) => [c.fname, c.wav])));
  writeCsv(
    join(root, 'public/sample_submission.csv'),
    ['fname', ...CLASSES],
    test.map((c) => [c.fname, ...CLASSES.map(() => 0)]),
  );
  writeCsv(
    join(root, 'private/test.csv'),
    ['fname', ...CLASSES],
    test.map((c) => [c.fname, ...CLASSES.map((k) => (c.labels.includes(k) ? 1 : 0))]),
  );
};
