import { join } from 'node:path';
import { gzipSync, zipSync } from 'fflate';
import { writeCsv, writeFile, writeZip } from '../write.js';
import type { SynthRng } from '../rng.js';
import type { SynthWriter } from '../types.js';

const GESTURES = [
  'vattene',
  'vieniqui',
  'perfetto',
  'furbo',
  'cheduepalle',
  'chevuoi',
  'daccordo',
  'seipazzo',
  'combinato',
  'freganiente',
  'ok',
  'cosatifarei',
  'basta',
  'prendere',
  'noncenepiu',
  'fame',
  'tantotempo',
  'buonissimo',
  'messidaccordo',
  'sonostufo',
];
const enc = (s: string) => new TextEncoder().encode(s);

/** An uncompressed ustar archive of the given files (small synthetic archives only). */
export function tarOf(files: Array<[string, Uint8Array]>): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [name, data] of files) {
    const h = new Uint8Array(512);
    const put = (s: string, at: number) => h.set(enc(s), at);
    put(name, 0);
    put('0000644\0', 100);
    put('0000000\0', 108);
    put('0000000\0', 116);
    put(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    put(`${(1577836800).toString(8).padStart(11, '0')}\0`, 136);
    put('        ', 148);
    put('0', 156);
    put('ustar\0', 257);
    put('00', 263);
    put(
      `${h
        .reduce((a, b) => a + b, 0)
        .toString(8)
        .padStart(6, '0')}\0 `,
      148,
    );
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** One recording: a zip of stand-in media and a `_data.mat` stand-in that carries the labels (the leak). */
function sampleZip(rng: SynthRng, id: string, seq: number[] | null): Uint8Array {
  const stem = `Sample0${id}`;
  let frame = 10 + rng.int(50);
  const labels = (seq ?? [])
    .map((g) => `${GESTURES[g - 1]} ${(frame += 20 + rng.int(60))} ${frame + 15 + rng.int(20)}`)
    .join('; ');
  const mat = `MATLAB 5.0 MAT-file, synthetic stand-in\nVideo.NumFrames ${frame + 100}\nVideo.Labels ${stem}: ${labels}\n`;
  const bytes = () => Uint8Array.from(Array.from({ length: 24 }, () => rng.int(256)));
  return zipSync(
    {
      [`${stem}_audio.wav`]: bytes(),
      [`${stem}_color.mp4`]: bytes(),
      [`${stem}_depth.mp4`]: bytes(),
      [`${stem}_user.mp4`]: bytes(),
      [`${stem}_data.mat`]: enc(mat),
    },
    { level: 0, mtime: new Date('2020-01-01T00:00:00Z') },
  );
}

/**
 * multi-modal-gesture-recognition (docs/hce-recipes.md): training.csv (`Id` = 4-digit zero-padded
 * sample number, `Sequence` = gesture ids 1-20 in order), test.csv (`Id`), randomPredictions.csv
 * (the sample: a random permutation of 1..20 per Id); training1-3.tar.gz and test.tar.gz (Kaggle's
 * training4) hold `SampleNNNNN.zip` recordings whose `_data.mat` carries the labels (MLE-bench
 * issue #77), validation1-3.tar.gz unlabelled ones; plus Kaggle's 7z/zip extras. `size` = train samples.
 */
export const multiModalGestureRecognition: SynthWriter = ({ root, rng, size }) => {
  const seq = () => Array.from({ length: 6 + rng.int(6) }, () => 1 + rng.int(20));
  const nTest = Math.max(3, Math.round(size / 9));
  const samples = Array.from({ length: size + nTest }, (_, i) => ({
    id: String(i + 1).padStart(4, '0'),
    seq: seq(),
  }));
  const train = samples.slice(0, size);
  const test = samples.slice(size);
  const third = Math.ceil(train.length / 3);
  [0, 1, 2].forEach((k) => {
    const files = train
      .slice(k * third, (k + 1) * third)
      .map((s): [string, Uint8Array] => [`Sample0${s.id}.zip`, sampleZip(rng, s.id, s.seq)]);
    writeFile(join(root, `public/training${k + 1}.tar.gz`), gzipSync(tarOf(files), { mtime: 0 }));
    const valid = Array.from({ length: 2 }, (_, j): [string, Uint8Array] => {
      const id = String(5000 + k * 10 + j);
      return [`Sample0${id}.zip`, sampleZip(rng, id, null)];
    });
    writeFile(join(root, `public/validation${k + 1}.tar.gz`), gzipSync(tarOf(valid), { mtime: 0 }));
  });
  writeFile(
    join(root, 'public/test.tar.gz'),
    gzipSync(tarOf(test.map((s) => [`Sample0${s.id}.zip`, sampleZip(rng, s.id, s.seq)])), { mtime: 0 }),
  );
  writeCsv(
    join(root, 'public/training.csv'),
    ['Id', 'Sequence'],
    train.map((s) => [s.id, s.seq.join(' ')]),
  );
  writeCsv(
    join(root, 'public/test.csv'),
    ['Id'],
    test.map((s) => [s.id]),
  );
  const perm = () => {
    const xs = Array.from({ length: 20 }, (_, k) => k + 1);
    for (let i = xs.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs.join(' ');
  };
  writeCsv(
    join(root, 'public/randomPredictions.csv'),
    ['Id', 'Sequence'],
    test.map((s) => [s.id, perm()]),
  );
  writeCsv(
    join(root, 'private/test.csv'),
    ['Id', 'Sequence'],
    test.map((s) => [s.id, s.seq.join(' ')]),
  );
  for (const f of ['devel01-40.7z', 'valid_all_files_combined.7z'])
    writeFile(join(root, 'public', f), Uint8Array.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]));
  writeZip(join(root, 'public/sample_code_mmrgc.zip'), { 'sample_code/README.txt': 'sample code' });
};
