import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readChecksums } from '@aira/competitions';
import { readCsv } from '@aira/grading';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { MINI_GRADERS } from './graders.js';
import { competitionDir, MINI_IDS, type MiniId } from './paths.js';
import {
  MARKER,
  prepareMini,
  readMarker,
  staleReason,
  verifyPrepared,
  type PrepareResult,
} from './prepare.js';

const md5 = (file: string) => createHash('md5').update(readFileSync(file)).digest('hex');
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * Each row's feature cells as one string: the columns after "id" and before `trailing` label
 * columns. Files without quotes are cut by line (fast for 785 pixel columns); others through the CSV reader.
 */
function featureKeys(file: string, trailing: number): string[] {
  const text = readFileSync(file, 'utf8');
  if (!text.includes('"')) {
    return text
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => {
        let end = line.length;
        for (let k = 0; k < trailing; k++) end = line.lastIndexOf(',', end - 1);
        return line.slice(line.indexOf(',') + 1, end);
      });
  }
  const t = readCsv(file);
  const feats = t.columns.slice(1, t.columns.length - trailing).map((c) => t.get(c)!);
  return Array.from({ length: t.rowCount }, (_, i) => feats.map((c) => c.text(i)).join('\u0001'));
}

let dirA: string;
let dirB: string;
const first = {} as Record<MiniId, PrepareResult>;
const timings: Record<string, number> = {};

beforeAll(async () => {
  dirA = mkdtempSync(join(tmpdir(), 'aira-mini-a-'));
  dirB = mkdtempSync(join(tmpdir(), 'aira-mini-b-'));
  for (const id of MINI_IDS) {
    const t = performance.now();
    first[id] = await prepareMini(id, { dataDir: dirA });
    timings[id] = Math.round(performance.now() - t);
  }
  console.log(`prepare times (ms): ${JSON.stringify(timings)}`);
}, 120_000);

afterAll(() => {
  for (const d of [dirA, dirB]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('preparation from the Debian files', () => {
  it.each(MINI_IDS)("%s lands in MLE-bench's public/private layout", (id) => {
    const r = first[id];
    expect(r.skipped).toBe(false);
    expect(r.prepared).toBe(join(dirA, id, 'prepared'));
    for (const f of [
      'public/train.csv',
      'public/test.csv',
      'public/sample_submission.csv',
      'public/description.md',
      'private/test.csv',
    ]) {
      expect(existsSync(join(r.prepared, f)), f).toBe(true);
    }
    expect(Object.keys(r.marker.files).sort()).toEqual([
      'private/test.csv',
      'public/description.md',
      'public/sample_submission.csv',
      'public/test.csv',
      'public/train.csv',
    ]);
    expect(r.marker.sources.length).toBeGreaterThan(0);
  });

  it.each(MINI_IDS)('%s is deterministic: a second preparation elsewhere has the same bytes', async (id) => {
    const again = await prepareMini(id, { dataDir: dirB });
    expect(again.skipped).toBe(false);
    expect(again.marker.files).toEqual(first[id].marker.files);
  });

  it.each(MINI_IDS)(
    '%s matches its committed checksums.yaml when Debian ships the recorded sources',
    (id) => {
      const file = join(competitionDir(id), 'checksums.yaml');
      const sums = readChecksums(file);
      // `sources` is our addition to MLE-bench's format, which readChecksums does not return.
      const recorded =
        (parseYaml(readFileSync(file, 'utf8')) as { sources?: Record<string, string> }).sources ?? {};
      expect(Object.keys(recorded).sort()).toEqual(first[id].marker.sources.map((s) => s.path).sort());
      const changed = Object.entries(recorded).filter(([path, digest]) => sha256(path) !== digest);
      if (changed.length) {
        // Different Debian data gives different (still deterministic) output; the test above covers that.
        console.warn(
          `${id}: Debian sources differ from the recorded ones (${changed.map(([p]) => p).join(', ')}); checksum comparison not applicable`,
        );
        return;
      }
      for (const side of ['public', 'private'] as const) {
        for (const [name, digest] of Object.entries(sums[side]))
          expect(md5(join(first[id].prepared, side, name)), `${side}/${name}`).toBe(digest);
      }
    },
  );

  it.each(MINI_IDS)('%s is idempotent: a current marker means nothing is rewritten', async (id) => {
    const before = readFileSync(join(first[id].prepared, MARKER), 'utf8');
    const r = await prepareMini(id, { dataDir: dirA });
    expect(r.skipped).toBe(true);
    expect(readFileSync(join(first[id].prepared, MARKER), 'utf8')).toBe(before);
    expect(await verifyPrepared(r.prepared)).toEqual([]);
  });
});

describe('public data holds no test labels', () => {
  it.each(MINI_IDS)('%s', (id) => {
    const { prepared } = first[id];
    const label = MINI_GRADERS[id].label;
    const answers = readCsv(join(prepared, 'private/test.csv'));
    expect(answers.columns).toEqual(['id', label]);
    const testIds = new Set(Array.from({ length: answers.rowCount }, (_, i) => answers.get('id')!.text(i)));
    const test = readCsv(join(prepared, 'public/test.csv'));
    const train = readCsv(join(prepared, 'public/train.csv'));
    const sample = readCsv(join(prepared, 'public/sample_submission.csv'));
    expect(test.has(label)).toBe(false);
    expect(test.rowCount).toBe(answers.rowCount);
    expect(new Set(Array.from({ length: test.rowCount }, (_, i) => test.get('id')!.text(i)))).toEqual(
      testIds,
    );
    // No test id in the labelled file, and the sample submission carries one constant guess per column.
    for (let i = 0; i < train.rowCount; i++) expect(testIds.has(train.get('id')!.text(i))).toBe(false);
    expect(train.has(label)).toBe(true);
    for (const c of MINI_GRADERS[id].predictionColumns) {
      const col = sample.get(c)!;
      expect(new Set(Array.from({ length: sample.rowCount }, (_, i) => col.text(i))).size, c).toBe(1);
    }
    // Feature rows of test inputs never reappear among the labelled rows (no duplicate leaks the label).
    const trainKeys = new Set(featureKeys(join(prepared, 'public/train.csv'), 1));
    const dup = featureKeys(join(prepared, 'public/test.csv'), 0).filter((k) => trainKeys.has(k));
    expect(dup.length, `${id}: test rows identical to a labelled row`).toBeLessThanOrEqual(
      id === 'mini-fashion-mnist' ? 1 : 0,
    );
  });
});

describe('staleness', () => {
  it('re-prepares when the marker no longer matches the recipe, and says why', async () => {
    const id: MiniId = 'mini-diabetes';
    const { prepared } = first[id];
    const m = readMarker(prepared)!;
    writeFileSync(join(prepared, MARKER), JSON.stringify({ ...m, recipe: 'old' }));
    expect(staleReason(id, prepared)).toBe('the prepare scripts changed');
    const r = await prepareMini(id, { dataDir: dirA });
    expect(r.skipped).toBe(false);
    expect(r.marker.files).toEqual(m.files);
    rmSync(join(prepared, 'public', 'test.csv'));
    expect(staleReason(id, prepared)).toBe('public/test.csv is missing');
    expect((await prepareMini(id, { dataDir: dirA })).skipped).toBe(false);
  });

  it('concurrent preparations of one folder leave one complete copy that nobody replaces under a reader', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aira-mini-race-'));
    try {
      const all = await Promise.all([1, 2, 3].map(() => prepareMini('mini-breast-cancer', { dataDir: dir })));
      expect(all.filter((r) => !r.skipped)).toHaveLength(1);
      for (const r of all) expect(r.marker.files).toEqual(first['mini-breast-cancer'].marker.files);
      expect(await verifyPrepared(all[0]!.prepared)).toEqual([]);
      expect(readdirSync(join(dir, 'mini-breast-cancer'))).toEqual(['prepared']); // no scratch folders left
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown id with a one-line error', async () => {
    await expect(prepareMini('mini-nope', { dataDir: dirA })).rejects.toThrow(
      /^unknown mini competition "mini-nope" \(known: mini-fashion-mnist, /,
    );
  });

  it('reports a missing interpreter in one line', async () => {
    await expect(
      prepareMini('mini-diabetes', { dataDir: dirB, python: '/nonexistent/python3', force: true }),
    ).rejects.toThrow(/cannot run \/nonexistent\/python3/);
  });
});
