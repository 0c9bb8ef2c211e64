import { describe, expect, it } from 'vitest';
import { PackedTable } from './packedtable.js';
import { rng } from './test-support/fixtures.js';

describe('PackedTable', () => {
  it('over many partitions: first row of each key, repeats chained in row order, unknown and keyless rows -1', () => {
    const r = rng(5);
    const n = 20_000; // several partitions
    const words = 2,
      kw = words + 1;
    const keyOf = (v: number): number[] => [v % 7, v, v * 31];
    const values = Array.from({ length: n }, () => (r() < 0.02 ? -1 : Math.floor(r() * 15_000)));
    const keys = new Int32Array(n * kw);
    values.forEach((v, i) => (v < 0 ? (keys[i * kw] = -1) : keys.set(keyOf(v), i * kw)));
    const next = new Int32Array(n).fill(-1);
    const table = new PackedTable(keys, words, next);
    // Reference: first row per value, and each row's successor among rows holding the same value.
    const first = new Map<number, number>();
    const wantNext = new Int32Array(n).fill(-1);
    const last = new Map<number, number>();
    values.forEach((v, i) => {
      if (v < 0) return;
      if (!first.has(v)) first.set(v, i);
      if (last.has(v)) wantNext[last.get(v)!] = i;
      last.set(v, i);
    });
    expect(table.distinct).toBe(first.size);
    expect(Array.from(next)).toEqual(Array.from(wantNext));
    const queries = Array.from({ length: 5000 }, () => (r() < 0.05 ? -1 : Math.floor(r() * 16_000)));
    const q = new Int32Array(queries.length * kw);
    queries.forEach((v, i) => (v < 0 ? (q[i * kw] = -1) : q.set(keyOf(v), i * kw)));
    expect(Array.from(table.lookup(q))).toEqual(queries.map((v) => (v < 0 ? -1 : (first.get(v) ?? -1))));
  });
});
