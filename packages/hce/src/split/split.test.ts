import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../csv/read.js';
import { fixtureRng, tempDir, writeCsv } from '../test-support/fixtures.js';
import { apportion, assignUnits, SEARCH, TRAIN, VALIDATION } from './assign.js';
import { splitLabelled } from './labelled.js';
import type { SplitSpec } from '@aira/competitions';

const F = { train: 0.8, search: 0.1, validation: 0.1 };
const tmp = tempDir('split');

const count = (parts: Uint8Array, code: number) => parts.filter((p) => p === code).length;

const spec = (over: Partial<SplitSpec>): SplitSpec => ({
  method: 'builtin',
  labelled: 'public/train.csv',
  id: ['id'],
  label: ['label'],
  unit: { by: 'row' },
  stratify: null,
  fractions: F,
  answers: 'rows',
  ...over,
});

describe('assignUnits (docs/paper.md §HCE: one 80/10/10 split)', () => {
  it('gives each hidden part round(10%) of the units and the rest to train', () => {
    for (const n of [3, 10, 57, 1000, 12_345]) {
      const parts = assignUnits({ units: n, fractions: F, seed: 0 });
      const want = Math.max(1, Math.round(n * 0.1));
      expect(count(parts, SEARCH)).toBe(want);
      expect(count(parts, VALIDATION)).toBe(want);
      expect(count(parts, TRAIN)).toBe(n - 2 * want);
    }
  });

  it('is the same for the same seed, and a different seed gives a different split', () => {
    const a = assignUnits({ units: 500, fractions: F, seed: 7 });
    expect(assignUnits({ units: 500, fractions: F, seed: 7 })).toEqual(a);
    const b = assignUnits({ units: 500, fractions: F, seed: 8 });
    expect(b).not.toEqual(a);
    expect(count(b, SEARCH)).toBe(count(a, SEARCH));
  });

  it('keeps class balance in every part when stratified', () => {
    const rng = fixtureRng(4);
    // Imbalanced: 70% / 25% / 5%.
    const strata = Uint32Array.from({ length: 2000 }, () => {
      const x = rng.float();
      return x < 0.7 ? 0 : x < 0.95 ? 1 : 2;
    });
    const parts = assignUnits({ units: strata.length, strata, fractions: F, seed: 0 });
    const share = (code: number, s: number) => {
      let inPart = 0;
      let ofClass = 0;
      parts.forEach((p, i) => {
        if (p !== code) return;
        inPart++;
        if (strata[i] === s) ofClass++;
      });
      return ofClass / inPart;
    };
    for (const s of [0, 1, 2]) {
      const overall = strata.filter((x) => x === s).length / strata.length;
      for (const code of [TRAIN, SEARCH, VALIDATION])
        expect(Math.abs(share(code, s) - overall)).toBeLessThan(0.006);
    }
    // Unstratified, the rare class drifts more in some part at this size (the test would catch a no-op).
    const plain = assignUnits({ units: strata.length, fractions: F, seed: 0 });
    const drift = [SEARCH, VALIDATION].map((code) => {
      const idx = [...plain.keys()].filter((i) => plain[i] === code);
      return Math.abs(
        idx.filter((i) => strata[i] === 2).length / idx.length -
          strata.filter((x) => x === 2).length / strata.length,
      );
    });
    expect(Math.max(...drift)).toBeGreaterThan(0.006);
  });

  it('caps hidden parts by rows, leaving the overflow in train', () => {
    const rows = Uint32Array.from({ length: 1000 }, () => 3);
    const parts = assignUnits({ units: 1000, rows, fractions: F, seed: 0, maxRowsPerPart: 30 });
    expect(count(parts, SEARCH)).toBe(10);
    expect(count(parts, VALIDATION)).toBe(10);
  });

  it('refuses what cannot be split, naming the sizes', () => {
    expect(() => assignUnits({ units: 2, fractions: F, seed: 0 })).toThrow(/cannot split 2 unit/);
    expect(() =>
      assignUnits({ units: 4, fractions: { train: 0.2, search: 0.4, validation: 0.4 }, seed: 0 }),
    ).toThrow(/nothing would be left to train on/);
  });

  it('apportions by largest remainder, never over a group', () => {
    expect(apportion(10, [50, 30, 20])).toEqual([5, 3, 2]);
    expect(apportion(3, [1, 1, 1, 1])).toEqual([1, 1, 1, 0]);
    expect(apportion(5, [1, 100])).toEqual([0, 5]);
    expect(apportion(4, [1, 1])).toEqual([1, 1]);
  });
});

describe('splitLabelled: the built-in split of a labelled CSV', () => {
  const rng = fixtureRng(11);
  // 300 rows in 60 groups (e.g. patients), 3 classes, dates over 30 days, one quoted multi-line cell.
  const rows = Array.from({ length: 300 }, (_, i) => [
    `r${i}`,
    `g${rng.int(60)}`,
    ['a', 'b', 'c'][rng.int(3)]!,
    `2020-01-${String(1 + rng.int(30)).padStart(2, '0')}`,
    i === 5 ? 'line one\nline "two", end' : rng.decimal(0, 1, 6),
  ]);
  const file = writeCsv(join(tmp, 'train.csv'), ['id', 'group', 'label', 'date', 'x'], rows);

  const run = (over: Partial<SplitSpec>, seed = 0, out = 'out.csv') =>
    splitLabelled({
      file,
      trainOut: join(tmp, out),
      spec: spec(over),
      fractions: F,
      seed,
      manifest: 'm.json',
    });

  it('copies train rows byte for byte and keeps hidden rows out of the train file', async () => {
    const s = await run({});
    const train = await readCsvRecords(join(tmp, 'out.csv'));
    const original = await readCsvRecords(file);
    expect(train.header.raw).toBe(original.header.raw);
    const hidden = new Set([...s.hidden.search, ...s.hidden.validation].map((r) => r[0]));
    expect(train.rows.map((r) => r.raw)).toEqual(
      original.rows.filter((r) => !hidden.has(r.cells[0])).map((r) => r.raw),
    );
    expect(s.counts).toEqual({
      train: { rows: 240, units: 240 },
      search: { rows: 30, units: 30 },
      validation: { rows: 30, units: 30 },
    });
  });

  it('never puts a group in two parts', async () => {
    const s = await run({ unit: { by: 'column', column: 'group' } });
    const train = await readCsvRecords(join(tmp, 'out.csv'));
    const groupsOf = (rs: string[][]) => new Set(rs.map((r) => r[1]));
    const t = groupsOf(train.rows.map((r) => r.cells));
    const se = groupsOf(s.hidden.search);
    const v = groupsOf(s.hidden.validation);
    for (const g of se) expect(t.has(g) || v.has(g)).toBe(false);
    for (const g of v) expect(t.has(g)).toBe(false);
    expect(s.counts.search.units).toBe(Math.round((t.size + se.size + v.size) * 0.1));
    expect(s.keyColumn).toBe('group');
    expect(s.hiddenKeys).toEqual(new Set([...se, ...v]));
  });

  it('splits by time windows: validation = the last window, search = the one before', async () => {
    const s = await run({ unit: { by: 'time', column: 'date', window: '7d' } });
    const days = (rs: string[][]) => rs.map((r) => Number(r[3]!.slice(8)));
    expect(Math.min(...days(s.hidden.validation))).toBeGreaterThan(23);
    expect(Math.max(...days(s.hidden.search))).toBeLessThanOrEqual(23);
    expect(Math.min(...days(s.hidden.search))).toBeGreaterThan(16);
    const train = await readCsvRecords(join(tmp, 'out.csv'));
    expect(Math.max(...days(train.rows.map((r) => r.cells)))).toBeLessThanOrEqual(16);
  });

  it('is deterministic across runs, ignores everything but the split seed, and differs across split seeds', async () => {
    const a = await run({ stratify: 'label' }, 0, 'a.csv');
    const b = await run({ stratify: 'label' }, 0, 'b.csv');
    expect(b.hidden).toEqual(a.hidden);
    expect(readFileSync(join(tmp, 'b.csv'))).toEqual(readFileSync(join(tmp, 'a.csv')));
    const c = await run({ stratify: 'label' }, 1, 'c.csv');
    expect(c.hidden.search).not.toEqual(a.hidden.search);
  });

  it('names the manifest field and file when a column is missing', async () => {
    await expect(run({ unit: { by: 'column', column: 'patient' } })).rejects.toThrow(
      /m\.json: split\.unit\.column: column "patient" is not in .*train\.csv/,
    );
    await expect(run({ stratify: 'klass' })).rejects.toThrow(/split\.stratify: column "klass"/);
  });
});
