import { describe, expect, it } from 'vitest';
import { grade, rng } from '../test-support/fixtures.js';
import { normalisedHausdorff, type Volume } from '../metrics/hausdorff.js';
import type { RunMask } from '../metrics/rle.js';

describe('Dice on RLE masks', () => {
  it('hubmap: both-empty images count 1, others 2|A∩B|/(|A|+|B|)', () => {
    const ans = ['id,encoding,width_pixels,height_pixels', 'k1,1 2,2,2', 'k2,,2,2', 'k3,1 4,2,2'];
    // k1: truth pixels {0,1}, prediction "2 2" = {1,2} → 2·1/(2+2) = 0.5. k2: both empty → 1.
    // k3: truth all 4 pixels, prediction {0} → 2·1/(1+4) = 0.4. Mean (0.5 + 1 + 0.4)/3 = 0.633333 → 0.63333.
    expect(grade('hubmap-kidney-segmentation', ['id,predicted', 'k3,1 1', 'k2,', 'k1,2 2'], ans).score).toBe(
      0.63333,
    );
  });

  it('refuses unsorted, non-positive, overlapping or non-integer runs, and cuts runs at the image end', () => {
    const ans = ['id,encoding,width_pixels,height_pixels', 'k1,1 2,2,2'];
    expect(grade('hubmap-kidney-segmentation', ['id,predicted', 'k1,3 1 1 1'], ans).reason).toMatch(
      /must be sorted/,
    );
    expect(grade('hubmap-kidney-segmentation', ['id,predicted', 'k1,0 2'], ans).reason).toMatch(/positive/);
    expect(grade('hubmap-kidney-segmentation', ['id,predicted', 'k1,1 x'], ans).reason).toMatch(
      /not an integer/,
    );
    // "1 10" runs past the 4 pixels: numpy slicing keeps pixels 0–3 → Dice 2·2/(4 + 2) = 0.66667.
    expect(grade('hubmap-kidney-segmentation', ['id,predicted', 'k1,1 10'], ans).score).toBe(0.66667);
  });

  it('uw-madison: 0.4·mean 2-D Dice (both-empty slices skipped) + 0.6·(1 − normalised 3-D Hausdorff)', () => {
    const ans = [
      'id,class,predicted,image_height,image_width',
      'case1_day1_slice_0001,stomach,1 1,2,2',
      'case1_day1_slice_0002,stomach,,2,2',
      'case2_day1_slice_0001,stomach,,2,2',
    ];
    // Slice rows: (1) both {pixel 0} → 1; (2) truth empty, prediction {pixel 3} → 0; (3) both empty → skipped. Dice 0.5.
    // case1_day1 volume (2 slices × 2 × 2): truth {(0,0,0)}, prediction {(0,0,0), (1,1,1)}. The far voxel is
    // (½, ½, ½) away in unit-cube coordinates → √0.75 / √3 = 0.5. case2_day1 is empty on both sides → skipped.
    // Score 0.4·0.5 + 0.6·(1 − 0.5) = 0.5.
    const sub = [
      'id,class,predicted',
      'case1_day1_slice_0001,stomach,1 1',
      'case1_day1_slice_0002,stomach,4 1',
      'case2_day1_slice_0001,stomach,',
    ];
    expect(grade('uw-madison-gi-tract-image-segmentation', sub, ans).score).toBe(0.5);
  });

  it('normalised Hausdorff agrees with a brute-force search on random volumes', () => {
    const r = rng(11);
    for (let trial = 0; trial < 40; trial++) {
      const S = 1 + Math.floor(r() * 4),
        H = 2 + Math.floor(r() * 6),
        W = 2 + Math.floor(r() * 6);
      const make = (p: number): Volume => ({
        height: H,
        width: W,
        slices: Array.from({ length: S }, () =>
          runs(
            Array.from({ length: H * W }, () => r() < p),
            H * W,
          ),
        ),
      });
      const a = make(0.2),
        b = make(0.25);
      const got = normalisedHausdorff(a, b);
      const want = bruteForce(a, b);
      if (Number.isNaN(want)) expect(got).toBeNaN();
      else expect(got).toBeCloseTo(want, 12);
    }
  });
});

function runs(bits: boolean[], size: number): RunMask {
  const starts: number[] = [],
    ends: number[] = [];
  let count = 0;
  bits.forEach((b, k) => {
    if (!b) return;
    count++;
    if (ends.length && ends[ends.length - 1] === k) ends[ends.length - 1] = k + 1;
    else {
      starts.push(k);
      ends.push(k + 1);
    }
  });
  return { size, starts: Float64Array.from(starts), ends: Float64Array.from(ends), count };
}

/** The rule written out directly: every pair of voxels, coordinates divided by the true shape. */
function bruteForce(pred: Volume, truth: Volume): number {
  const pts = (v: Volume) =>
    v.slices.flatMap((m, s) =>
      Array.from({ length: m.size }, (_, k) => k)
        .filter((k) => m.starts.some((lo, i) => k >= lo && k < m.ends[i]!))
        .map((k) => [s, k % v.height, Math.floor(k / v.height)] as const),
    );
  const p = pts(pred),
    t = pts(truth);
  if (p.length === 0 && t.length === 0) return NaN;
  const same = p.length === t.length && p.every((x, i) => x.every((c, j) => c === t[i]![j]));
  if (same) return 0;
  if (p.length === 0 || t.length === 0 || p.length > 10 * t.length) return 1;
  const n = [truth.slices.length, truth.height, truth.width];
  const d = (x: readonly number[], y: readonly number[]) =>
    Math.sqrt(x.reduce((s, c, i) => s + (c / n[i]! - y[i]! / n[i]!) ** 2, 0));
  const directed = (from: (readonly number[])[], to: (readonly number[])[]) =>
    Math.max(...from.map((x) => Math.min(...to.map((y) => d(x, y)))));
  return Math.max(directed(t, p), directed(p, t)) / Math.sqrt(3);
}
