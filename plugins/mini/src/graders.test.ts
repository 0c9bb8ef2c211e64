import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidSubmission, readCsv } from '@aira/grading';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { miniBaseline } from './baseline.js';
import { FORTUNE_CATEGORIES, gradeMini, MINI_GRADERS } from './graders.js';
import { MINI_IDS, MINI_PLUGIN_DIR, miniPython, type MiniId } from './paths.js';
import type { PrepareResult } from './prepare.js';
import { preparedAll } from './test-support/data.js';

const python = miniPython();
let data: Record<MiniId, PrepareResult>;
let scratch: string;
beforeAll(async () => {
  data = await preparedAll();
  scratch = mkdtempSync(join(tmpdir(), 'aira-mini-grade-'));
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const answersOf = (id: MiniId) => join(data[id].private, 'test.csv');
const py5 = (x: number) => Math.round(x * 1e5) / 1e5;

function column(file: string, name: string): string[] {
  const t = readCsv(file);
  const c = t.get(name)!;
  return Array.from({ length: t.rowCount }, (_, i) => c.text(i));
}

function write(name: string, header: readonly string[], rows: Array<Array<string | number>>): string {
  const file = join(scratch, name);
  writeFileSync(file, [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return file;
}

/** The trivial baseline, rebuilt here from public/train.csv the way tools/reference_models.py defines it. */
function trivialSubmission(id: MiniId): string {
  const ids = column(join(data[id].public, 'test.csv'), 'id');
  const g = MINI_GRADERS[id];
  const y = column(join(data[id].public, 'train.csv'), g.label);
  if (g.metric === 'accuracy') {
    // The most frequent label, ties to the first in sorted order (pandas' sort_index().idxmax()).
    const counts = new Map<string, number>();
    for (const v of y) counts.set(v, (counts.get(v) ?? 0) + 1);
    const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    return write(
      `${id}-trivial.csv`,
      ['id', g.label],
      ids.map((i) => [i, top]),
    );
  }
  if (id === 'mini-fortunes') {
    const prior = FORTUNE_CATEGORIES.map((c) => y.filter((v) => v === c).length / y.length);
    return write(
      `${id}-trivial.csv`,
      ['id', ...FORTUNE_CATEGORIES],
      ids.map((i) => [i, ...prior.map(String)]),
    );
  }
  if (id === 'mini-breast-cancer')
    return write(
      `${id}-trivial.csv`,
      ['id', 'malignant'],
      ids.map((i) => [i, 0.5]),
    );
  const mean = y.map(Number).reduce((a, b) => a + b, 0) / y.length;
  return write(
    `${id}-trivial.csv`,
    ['id', 'progression'],
    ids.map((i) => [i, mean]),
  );
}

/** A perfect submission from the answers, rows in reverse order (graders match ids, not positions). */
function perfectSubmission(id: MiniId): string {
  const g = MINI_GRADERS[id];
  const ids = column(answersOf(id), 'id');
  const y = column(answersOf(id), g.label);
  const order = ids.map((_, i) => ids.length - 1 - i);
  if (id === 'mini-fortunes') {
    return write(
      `${id}-perfect.csv`,
      ['id', ...FORTUNE_CATEGORIES],
      order.map((i) => [ids[i]!, ...FORTUNE_CATEGORIES.map((c) => (c === y[i] ? 1 : 0))]),
    );
  }
  return write(
    `${id}-perfect.csv`,
    ['id', g.label],
    order.map((i) => [ids[i]!, y[i]!]),
  );
}

/** Seeded (LCG) predictions, coarse enough to tie, some confidently wrong; rows shuffled. */
function noisySubmission(id: MiniId): string {
  let state = 12345;
  const rand = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const g = MINI_GRADERS[id];
  const ids = column(answersOf(id), 'id');
  const y = column(answersOf(id), g.label);
  const order = ids.map((_, i) => i).sort((a, b) => ((a * 7919) % ids.length) - ((b * 7919) % ids.length));
  const labels = [...new Set(y)].sort();
  const rows = order.map((i) => {
    if (g.metric === 'accuracy')
      return [ids[i]!, rand() < 0.6 ? y[i]! : labels[Math.floor(rand() * labels.length)]!];
    if (id === 'mini-breast-cancer')
      return [ids[i]!, (Math.round((Number(y[i]) * 0.5 + rand() * 0.5) * 10) / 10).toString()];
    if (id === 'mini-diabetes') return [ids[i]!, (Number(y[i]) + (rand() - 0.5) * 120).toFixed(3)];
    const w = FORTUNE_CATEGORIES.map((c) =>
      c === y[i] ? (rand() < 0.1 ? 0 : 2) : rand() < 0.2 ? 0 : rand(),
    );
    const sum = w.reduce((a, b) => a + b, 0);
    return [ids[i]!, ...w.map((v) => String(v / sum))];
  });
  return write(`${id}-noisy.csv`, ['id', ...g.predictionColumns], rows);
}

describe('mini graders', () => {
  it.each(MINI_IDS)(
    '%s: the trivial baseline scores what baseline.json (Python, make-leaderboards) says',
    (id) => {
      expect(py5(gradeMini(id, trivialSubmission(id), answersOf(id)))).toBe(miniBaseline(id).score);
    },
  );

  it.each(MINI_IDS)("%s: a perfect submission gets the metric's best value", (id) => {
    const best = MINI_GRADERS[id].lowerIsBetter ? 0 : 1;
    expect(py5(gradeMini(id, perfectSubmission(id), answersOf(id)))).toBe(best);
  });

  it.each(MINI_IDS)('%s: the sample submission is valid', (id) => {
    const score = gradeMini(id, join(data[id].public, 'sample_submission.csv'), answersOf(id));
    expect(Number.isFinite(score)).toBe(true);
  });

  it.each(MINI_IDS)(
    '%s: noisy predictions with ties score the same as the Python metric behind the leaderboard',
    (id) => {
      const file = noisySubmission(id);
      const py = execFileSync(python, [join(MINI_PLUGIN_DIR, 'tools', 'score.py'), id, file, answersOf(id)], {
        encoding: 'utf8',
      });
      const ts = gradeMini(id, file, answersOf(id));
      expect(Math.abs(ts - Number(py))).toBeLessThan(1e-12 * Math.max(1, Math.abs(ts)));
      expect(py5(ts)).toBe(py5(Number(py)));
    },
  );

  it('fortunes: uniform probabilities score ln 6', () => {
    expect(
      gradeMini(
        'mini-fortunes',
        join(data['mini-fortunes'].public, 'sample_submission.csv'),
        answersOf('mini-fortunes'),
      ),
    ).toBeCloseTo(Math.log(6), 12);
  });

  it.each(MINI_IDS)('%s: a submission missing a row or with a foreign id is invalid', (id) => {
    const t = readCsv(join(data[id].public, 'sample_submission.csv'));
    const header = t.columns;
    const body = Array.from({ length: t.rowCount }, (_, i) => header.map((c) => t.get(c)!.text(i)));
    expect(() => gradeMini(id, write(`${id}-short.csv`, header, body.slice(1)), answersOf(id))).toThrow(
      InvalidSubmission,
    );
    const foreign = body.map((r, i) => (i === 0 ? ['999999', ...r.slice(1)] : r));
    expect(() => gradeMini(id, write(`${id}-foreign.csv`, header, foreign), answersOf(id))).toThrow(/999999/);
    expect(() =>
      gradeMini(
        id,
        write(
          `${id}-nocol.csv`,
          ['id'],
          body.map((r) => [r[0]!]),
        ),
        answersOf(id),
      ),
    ).toThrow(InvalidSubmission);
  });

  it('fortunes: rows must be probabilities summing to 1; ROC AUC needs [0, 1]', () => {
    const ids = column(answersOf('mini-fortunes'), 'id');
    const half = write(
      'ff-half.csv',
      ['id', ...FORTUNE_CATEGORIES],
      ids.map((i) => [i, 0.5, 0, 0, 0, 0, 0.4]),
    );
    expect(() => gradeMini('mini-fortunes', half, answersOf('mini-fortunes'))).toThrow(/sum to 0\.9/);
    const neg = write(
      'ff-neg.csv',
      ['id', ...FORTUNE_CATEGORIES],
      ids.map((i) => [i, 1.5, -0.5, 0, 0, 0, 0]),
    );
    expect(() => gradeMini('mini-fortunes', neg, answersOf('mini-fortunes'))).toThrow(/\[0, 1\]/);
    const extra = write(
      'ff-extra.csv',
      ['id', ...FORTUNE_CATEGORIES, 'other'],
      ids.map((i) => [i, 1, 0, 0, 0, 0, 0, 0]),
    );
    expect(() => gradeMini('mini-fortunes', extra, answersOf('mini-fortunes'))).toThrow(/unexpected column/);
    const bcIds = column(answersOf('mini-breast-cancer'), 'id');
    const logits = write(
      'bc-logit.csv',
      ['id', 'malignant'],
      bcIds.map((i, k) => [i, k - 3]),
    );
    expect(() => gradeMini('mini-breast-cancer', logits, answersOf('mini-breast-cancer'))).toThrow(
      /\[0, 1\]/,
    );
  });

  it("the fortune categories are the sample submission's columns", () => {
    expect(readCsv(join(data['mini-fortunes'].public, 'sample_submission.csv')).columns).toEqual([
      'id',
      ...FORTUNE_CATEGORIES,
    ]);
  });
});
