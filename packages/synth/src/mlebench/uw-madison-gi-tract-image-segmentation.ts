import { join } from 'node:path';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';

const CLASSES = ['large_bowel', 'small_bowel', 'stomach'];
const W = 16;
const H = 16;

/**
 * uw-madison-gi-tract-image-segmentation (docs/hce-recipes.md): train.csv (`id` =
 * `case<N>_day<M>_slice_<nnnn>`, `class`, `segmentation` RLE or empty), three rows per slice,
 * scans at `train/<case>/<case>_<day>/scans/slice_<nnnn>_<w>_<h>_<pw>_<ph>.png`; test.csv (`id`,
 * `class`); answers rename segmentation to `predicted` and add image_width, image_height (floats).
 * As MLE-bench leaves it, no public train case has more than four days. `size` = train cases.
 */
export const uwMadisonGiTract: SynthWriter = ({ root, rng, size }) => {
  let next = 0;
  const caseRows = () => {
    // Distinct case numbers with gaps, whatever the size.
    const n = (next += 1 + rng.int(3));
    const days = [...new Set(Array.from({ length: 1 + rng.int(4) }, () => rng.int(40)))].sort(
      (a, b) => a - b,
    );
    const rows: string[][] = [];
    const scans: string[] = [];
    for (const d of days) {
      for (let s = 1; s <= 2; s++) {
        const slice = String(s).padStart(4, '0');
        scans.push(`case${n}/case${n}_day${d}/scans/slice_${slice}_${W}_${H}_1.50_1.50.png`);
        for (const cls of CLASSES) {
          const start = 1 + rng.int(W * H - 20);
          rows.push([
            `case${n}_day${d}_slice_${slice}`,
            cls,
            rng.float() < 0.5 ? `${start} ${1 + rng.int(8)} ${start + 12} ${1 + rng.int(5)}` : '',
          ]);
        }
      }
    }
    // Every case-day has at least one mask (an empty volume has no Hausdorff distance).
    if (rows.every((r) => r[2] === '')) rows[0]![2] = '3 4';
    for (const d of days)
      if (!rows.some((r) => r[0]!.startsWith(`case${n}_day${d}_`) && r[2] !== ''))
        rows.find((r) => r[0]!.startsWith(`case${n}_day${d}_`))![2] = '5 3';
    return { rows, scans };
  };
  const train = Array.from({ length: size }, caseRows);
  const test = Array.from({ length: Math.max(2, Math.round(size / 9)) }, caseRows);
  writeCsv(
    join(root, 'public/train.csv'),
    ['id', 'class', 'segmentation'],
    train.flatMap((c) => c.rows),
  );
  const testRows = test.flatMap((c) => c.rows);
  writeCsv(
    join(root, 'public/test.csv'),
    ['id', 'class'],
    testRows.map((r) => [r[0]!, r[1]!]),
  );
  writeCsv(
    join(root, 'public/sample_submission.csv'),
    ['id', 'class', 'predicted'],
    testRows.map((r) => [r[0]!, r[1]!, '1 1 5 2']),
  );
  writeCsv(
    join(root, 'private/test.csv'),
    ['id', 'class', 'predicted', 'image_width', 'image_height'],
    testRows.map((r) => [...r, `${W}.0`, `${H}.0`]),
  );
  for (const [dir, cases] of [
    ['train', train],
    ['test', test],
  ] as const) {
    for (const c of cases)
      for (const s of c.scans)
        writeFile(
          join(root, 'public', dir, s),
          Uint8Array.from([0x89, 0x50, 0x4e, 0x47, ...Array.from({ length: 12 }, () => rng.int(256))]),
        );
  }
};
