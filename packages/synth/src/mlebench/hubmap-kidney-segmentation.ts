import { join } from 'node:path';
import { writeCsv, writeFile } from '../write.js';
import type { SynthRng } from '../rng.js';
import type { SynthWriter } from '../types.js';

const INFO = [
  'image_file',
  'width_pixels',
  'height_pixels',
  'anatomical_structures_segmention_file',
  'glomerulus_segmentation_file',
  'patient_number',
  'race',
  'ethnicity',
  'sex',
  'age',
  'weight_kilograms',
  'height_centimeters',
  'bmi_kg/m^2',
  'laterality',
  'percentage cortex',
  'percentage medulla',
];

/** A column-major run-length encoding (1-based start, length pairs) of a few random runs. */
function rle(rng: SynthRng, w: number, h: number): string {
  const runs: number[] = [];
  let at = 1 + rng.int(50);
  while (at < w * h - 40 && runs.length < 12) {
    const len = 1 + rng.int(20);
    runs.push(at, len);
    at += len + 1 + rng.int(200);
  }
  return runs.join(' ');
}

/**
 * hubmap-kidney-segmentation (docs/hce-recipes.md): train.csv (`id`, `encoding`), the dataset
 * information table for every image, train/ and test/ with `<id>.tiff`, `<id>.json` (glomerulus
 * polygons: the masks, MLE-bench's known leak) and `<id>-anatomical-structure.json`; the sample
 * (`id`, `predicted` empty) is also copied into test/; answers add width_pixels, height_pixels.
 */
export const hubmapKidneySegmentation: SynthWriter = ({ root, rng, size }) => {
  const image = () => {
    const id = rng.hex(9);
    const w = 40 + rng.int(40);
    const h = 30 + rng.int(30);
    return { id, w, h, encoding: rle(rng, w, h), patient: 60000 + rng.int(10000) };
  };
  const train = Array.from({ length: size }, image);
  const test = Array.from({ length: 3 }, image);
  writeCsv(
    join(root, 'public/train.csv'),
    ['id', 'encoding'],
    train.map((i) => [i.id, i.encoding]),
  );
  writeCsv(
    join(root, 'public/HuBMAP-20-dataset_information.csv'),
    INFO,
    [...train, ...test].map((i) => [
      `${i.id}.tiff`,
      i.w,
      i.h,
      `${i.id}-anatomical-structure.json`,
      `${i.id}.json`,
      i.patient,
      'White',
      'Not Hispanic or Latino',
      rng.pick(['Male', 'Female']),
      40 + rng.int(40),
      70 + rng.int(40),
      160 + rng.int(30),
      (20 + 10 * rng.float()).toFixed(1),
      rng.pick(['Left', 'Right']),
      50 + rng.int(30),
      20 + rng.int(30),
    ]),
  );
  const sample = test.map((i) => [i.id, '']);
  writeCsv(join(root, 'public/sample_submission.csv'), ['id', 'predicted'], sample);
  writeCsv(join(root, 'public/test/sample_submission.csv'), ['id', 'predicted'], sample);
  writeCsv(
    join(root, 'private/test.csv'),
    ['id', 'encoding', 'width_pixels', 'height_pixels'],
    test.map((i) => [i.id, i.encoding, i.w, i.h]),
  );
  writeCsv(
    join(root, 'private/gold_submission.csv'),
    ['id', 'predicted'],
    test.map((i) => [i.id, i.encoding]),
  );
  for (const [dir, imgs] of [
    ['train', train],
    ['test', test],
  ] as const) {
    for (const i of imgs) {
      writeFile(
        join(root, 'public', dir, `${i.id}.tiff`),
        Uint8Array.from([0x49, 0x49, 0x2a, 0x00, ...Array.from({ length: 32 }, () => rng.int(256))]),
      );
      // The polygons carry the mask: the run starts, so a leak check can find them.
      writeFile(
        join(root, 'public', dir, `${i.id}.json`),
        JSON.stringify([
          {
            type: 'Feature',
            id: 'PathAnnotationObject',
            geometry: { type: 'Polygon', coordinates: [[[0, 0]]] },
            properties: { runs: i.encoding, isLocked: false },
          },
        ]),
      );
      writeFile(
        join(root, 'public', dir, `${i.id}-anatomical-structure.json`),
        JSON.stringify([
          {
            type: 'Feature',
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [1, 1],
                  [2, 2],
                ],
              ],
            },
            properties: { classification: { name: 'Cortex' } },
          },
        ]),
      );
    }
  }
};
