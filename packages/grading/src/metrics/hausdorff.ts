import type { RunMask } from './rle.js';

/** A stack of 2-D slices (each H × W, column-major flat index k = col·H + row), S slices deep. */
export interface Volume {
  slices: RunMask[];
  height: number;
  width: number;
}

function voxelCount(v: Volume): number {
  let n = 0;
  for (const s of v.slices) n += s.count;
  return n;
}

function volumesEqual(a: Volume, b: Volume): boolean {
  if (a.slices.length !== b.slices.length || a.height !== b.height || a.width !== b.width) return false;
  for (let i = 0; i < a.slices.length; i++) {
    const x = a.slices[i]!,
      y = b.slices[i]!;
    if (x.starts.length !== y.starts.length) return false;
    for (let j = 0; j < x.starts.length; j++)
      if (x.starts[j] !== y.starts[j] || x.ends[j] !== y.ends[j]) return false;
  }
  return true;
}

/**
 * uw-madison's normalised symmetric 3-D Hausdorff distance (docs/mlebench-grading.md §Metrics): NaN when
 * both are empty, 0 when identical, 1 when exactly one is empty or the prediction has more than
 * 10× the true voxels; otherwise max of the two directed Hausdorff distances between voxel
 * coordinates divided by the true volume's shape (a unit cube), over √3.
 */
export function normalisedHausdorff(pred: Volume, truth: Volume): number {
  const np = voxelCount(pred),
    nt = voxelCount(truth);
  if (np === 0 && nt === 0) return NaN;
  if (volumesEqual(pred, truth)) return 0;
  if (np === 0 || nt === 0) return 1;
  if (np > 10 * nt) return 1;
  const S = truth.slices.length,
    H = truth.height,
    W = truth.width;
  // Squared distances scaled by (S·H·W)² stay integers: Δs²(HW)² + Δr²(SW)² + Δc²(SH)².
  const ws = (H * W) ** 2,
    wr = (S * W) ** 2,
    wc = (S * H) ** 2;
  const grid = boundingGrid(pred, truth);
  const d1 = directed(pred, truth, grid, ws, wr, wc);
  const d2 = directed(truth, pred, grid, ws, wr, wc);
  const scaled = Math.sqrt(Math.max(d1, d2));
  return scaled / (S * H * W) / Math.sqrt(3);
}

interface Grid {
  s0: number;
  s1: number;
  r0: number;
  r1: number;
  c0: number;
  c1: number; // inclusive bounds
}

/** Smallest box (slice, row, col) holding every voxel of both volumes. */
function boundingGrid(a: Volume, b: Volume): Grid {
  const g: Grid = { s0: Infinity, s1: -Infinity, r0: Infinity, r1: -Infinity, c0: Infinity, c1: -Infinity };
  for (const v of [a, b]) {
    v.slices.forEach((m, s) => {
      if (m.count === 0) return;
      g.s0 = Math.min(g.s0, s);
      g.s1 = Math.max(g.s1, s);
      for (let j = 0; j < m.starts.length; j++) {
        const lo = m.starts[j]!,
          hi = m.ends[j]! - 1;
        const cLo = Math.floor(lo / v.height),
          cHi = Math.floor(hi / v.height);
        g.c0 = Math.min(g.c0, cLo);
        g.c1 = Math.max(g.c1, cHi);
        if (cLo !== cHi) {
          g.r0 = 0;
          g.r1 = Math.max(g.r1, v.height - 1);
        } else {
          g.r0 = Math.min(g.r0, lo % v.height);
          g.r1 = Math.max(g.r1, hi % v.height);
        }
      }
    });
  }
  return g;
}

/** Calls fn(s, r, c) for every voxel of the volume. */
function forEachVoxel(v: Volume, fn: (s: number, r: number, c: number) => void): void {
  v.slices.forEach((m, s) => {
    for (let j = 0; j < m.starts.length; j++) {
      for (let k = m.starts[j]!; k < m.ends[j]!; k++) fn(s, k % v.height, Math.floor(k / v.height));
    }
  });
}

/** max over a ∈ from of min over b ∈ to of the scaled squared distance (exact Euclidean distance transform). */
function directed(from: Volume, to: Volume, g: Grid, ws: number, wr: number, wc: number): number {
  const ns = g.s1 - g.s0 + 1,
    nr = g.r1 - g.r0 + 1,
    nc = g.c1 - g.c0 + 1;
  const f = new Float64Array(ns * nr * nc).fill(Infinity);
  const idx = (s: number, r: number, c: number) => ((s - g.s0) * nc + (c - g.c0)) * nr + (r - g.r0);
  forEachVoxel(to, (s, r, c) => {
    f[idx(s, r, c)] = 0;
  });
  const maxLen = Math.max(ns, nr, nc);
  const buf = new Float64Array(maxLen),
    out = new Float64Array(maxLen);
  const v = new Int32Array(maxLen),
    z = new Float64Array(maxLen + 1);
  // Rows (contiguous), then columns, then slices: the squared transform is separable.
  for (let s = 0; s < ns; s++)
    for (let c = 0; c < nc; c++) pass(f, (s * nc + c) * nr, 1, nr, wr, buf, out, v, z);
  for (let s = 0; s < ns; s++)
    for (let r = 0; r < nr; r++) pass(f, s * nc * nr + r, nr, nc, wc, buf, out, v, z);
  for (let c = 0; c < nc; c++)
    for (let r = 0; r < nr; r++) pass(f, c * nr + r, nc * nr, ns, ws, buf, out, v, z);
  let worst = 0;
  forEachVoxel(from, (s, r, c) => {
    const d = f[idx(s, r, c)]!;
    if (d > worst) worst = d;
  });
  return worst;
}

/** One 1-D weighted squared distance transform (Felzenszwalb & Huttenlocher lower envelope). */
function pass(
  f: Float64Array,
  offset: number,
  stride: number,
  n: number,
  w: number,
  buf: Float64Array,
  out: Float64Array,
  v: Int32Array,
  z: Float64Array,
): void {
  for (let i = 0; i < n; i++) buf[i] = f[offset + i * stride]!;
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (buf[q] === Infinity) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    let s: number;
    for (;;) {
      const p = v[k]!;
      s = (buf[q]! + w * q * q - (buf[p]! + w * p * p)) / (2 * w * (q - p));
      if (s <= z[k]!) {
        k--;
        if (k < 0) break;
      } else break;
    }
    k++;
    v[k] = q;
    z[k] = k === 0 ? -Infinity : s!;
    z[k + 1] = Infinity;
  }
  if (k < 0) return; // no finite value on this line
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (z[j + 1]! < q) j++;
    const p = v[j]!;
    out[q] = w * (q - p) * (q - p) + buf[p]!;
  }
  for (let i = 0; i < n; i++) f[offset + i * stride] = out[i]!;
}
