import { MetricError } from '../errors.js';
import { pySplit } from './text.js';

/** A binary mask of `size` pixels as sorted, disjoint [start, end) runs of flat (column-major) indices. */
export interface RunMask {
  size: number;
  starts: Float64Array;
  ends: Float64Array;
  count: number; // pixels set
}

const PY_INT = /^[+-]?\d+(?:_\d+)*$/;

/**
 * MLE-bench `rle_decode` semantics (docs/mlebench-grading.md §Metrics; mlebench/competitions/utils.py):
 * blank → empty mask; tokens must be Python ints; starts sorted and > 0, lengths > 0; runs may not
 * overlap; runs past the image end are cut off silently (numpy slicing); a lone trailing start
 * with no length is ignored only when it is the only token.
 */
export function decodeRle(rle: string, height: number, width: number, where: string): RunMask {
  const size = height * width;
  const empty: RunMask = { size, starts: new Float64Array(0), ends: new Float64Array(0), count: 0 };
  const tokens = pySplit(rle);
  if (tokens.length === 0) return empty;
  const nums = tokens.map((t) => {
    if (!PY_INT.test(t)) throw new MetricError(`${where}: RLE token ${JSON.stringify(t)} is not an integer`);
    return Number(t.replace(/_/g, ''));
  });
  const nStarts = Math.ceil(nums.length / 2),
    nLengths = Math.floor(nums.length / 2);
  let prev = -Infinity;
  for (let i = 0; i < nums.length; i += 2) {
    if (nums[i]! < prev)
      throw new MetricError(`${where}: the pairs in the RLE string must be sorted by start`);
    prev = nums[i]!;
  }
  for (let i = 0; i < nums.length; i += 2)
    if (!(nums[i]! > 0))
      throw new MetricError(`${where}: RLE starts must be positive integers (found ${nums[i]})`);
  for (let i = 1; i < nums.length; i += 2)
    if (!(nums[i]! > 0))
      throw new MetricError(`${where}: RLE lengths must be positive integers (found ${nums[i]})`);
  if (nStarts !== nLengths) {
    // numpy adds the starts array to the lengths list: shapes (k+1,) and (k,) only broadcast when k = 0.
    if (nLengths !== 0)
      throw new MetricError(`${where}: the RLE string has an odd number of values (${nums.length})`);
    return empty;
  }
  const starts = new Float64Array(nLengths),
    ends = new Float64Array(nLengths);
  let m = 0;
  let covered = 0; // end of the pixels set so far (runs are sorted by start)
  let count = 0;
  for (let i = 0; i < nLengths; i++) {
    const lo = nums[2 * i]! - 1;
    const hi = Math.min(lo + nums[2 * i + 1]!, size);
    if (lo >= size) continue; // an empty slice past the end
    if (covered > lo) throw new MetricError(`${where}: overlapping RLE pairs are not allowed`);
    starts[m] = lo;
    ends[m] = hi;
    m++;
    count += hi - lo;
    covered = hi;
  }
  return { size, starts: starts.subarray(0, m), ends: ends.subarray(0, m), count };
}

/** Pixels set in both masks. */
export function intersectionCount(a: RunMask, b: RunMask): number {
  let i = 0,
    j = 0,
    n = 0;
  while (i < a.starts.length && j < b.starts.length) {
    const lo = Math.max(a.starts[i]!, b.starts[j]!);
    const hi = Math.min(a.ends[i]!, b.ends[j]!);
    if (hi > lo) n += hi - lo;
    if (a.ends[i]! < b.ends[j]!) i++;
    else j++;
  }
  return n;
}

/** MLE-bench `dice_coefficient`: 2|A∩B| / (|A| + |B|), `bothEmpty` when neither has a pixel. */
export function dice(pred: RunMask, truth: RunMask, bothEmpty: number): number {
  if (pred.size !== truth.size)
    throw new MetricError(`mask shapes differ (${pred.size} vs ${truth.size} pixels)`);
  if (pred.count === 0 && truth.count === 0) return bothEmpty;
  return (2 * intersectionCount(pred, truth)) / (pred.count + truth.count);
}

/** Union of several masks of one size (logical OR). */
export function unionMasks(masks: RunMask[]): RunMask {
  const size = masks[0]!.size;
  const runs: [number, number][] = [];
  for (const m of masks) {
    if (m.size !== size)
      throw new MetricError(`cannot OR masks of different shapes (${m.size} vs ${size} pixels)`);
    for (let i = 0; i < m.starts.length; i++) runs.push([m.starts[i]!, m.ends[i]!]);
  }
  runs.sort((x, y) => x[0] - y[0]);
  const starts: number[] = [],
    ends: number[] = [];
  let count = 0;
  for (const [lo, hi] of runs) {
    if (starts.length && lo <= ends[ends.length - 1]!) {
      const last = ends.length - 1;
      if (hi > ends[last]!) {
        count += hi - ends[last]!;
        ends[last] = hi;
      }
    } else {
      starts.push(lo);
      ends.push(hi);
      count += hi - lo;
    }
  }
  return { size, starts: Float64Array.from(starts), ends: Float64Array.from(ends), count };
}
