import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectPlotSvg } from './inspect.js';
import { lineageTree } from './lineage.js';
import { buildStudyReport } from './model.js';
import { renderMarkdown } from './markdown.js';
import { baselineShown, SERIES, scorePlotSpec } from './plot.js';
import { writeStudyReport } from './write.js';
import { writeStudy, type FakeRun } from './test-support/study.js';

// A minimise run (RMSE-like): c0004 is a crossover of c0002 and c0003, which mutated c0002.
const regression: FakeRun = {
  runId: 'reg-s0',
  competition: 'mini-diabetes',
  direction: 'minimize',
  endedAt: 60_000,
  candidates: [
    { id: 'c0001', at: 10_000, search: 60, validation: 58, test: 59, percentileRank: 40 },
    { id: 'c0002', at: 12_000, search: 55, validation: 57, test: 56, percentileRank: 60, medal: 'bronze' },
    {
      id: 'c0003',
      operator: 'mutate',
      parents: ['c0002'],
      at: 30_000,
      search: 50,
      validation: 59,
      test: 52,
      percentileRank: 70,
    },
    {
      id: 'c0004',
      operator: 'crossover',
      parents: ['c0002', 'c0003'],
      at: 45_000,
      search: 49,
      validation: 54,
      test: 53,
      percentileRank: 80,
      medal: 'silver',
    },
    { id: 'c0005', operator: 'mutate', parents: ['c0004'], at: 50_000, search: null, valid: false },
  ],
};
// A run whose only candidate failed: no pick, no plot.
const failed: FakeRun = {
  runId: 'bin-s0',
  competition: 'mini-breast-cancer',
  direction: 'maximize',
  endedAt: 20_000,
  candidates: [{ id: 'c0001', at: 5_000, search: null, valid: false }],
};

const baselines = {
  'mini-diabetes': { score: 78, lowerIsBetter: true, model: 'train mean' },
  'mini-breast-cancer': { score: 0.5, lowerIsBetter: false, model: 'constant 0.5' },
};
const options = { baseline: (id: string) => baselines[id as keyof typeof baselines] ?? null };

describe('buildStudyReport', () => {
  const report = buildStudyReport(writeStudy([regression, failed], { suite: 'mini' }), options);
  const reg = report.runs[0]!;

  it("picks the best validation score in the competition's direction and carries its test rank", () => {
    expect(reg.direction).toBe('minimize');
    expect(reg.pick).toMatchObject({
      candidateId: 'c0004',
      by: 'validation',
      operator: 'crossover',
      search: 49,
      validation: 54,
      test: 53,
      percentileRank: 80,
      medal: 'silver',
    });
    expect(reg.pick!.leaderboard!.label).toBe('reference leaderboard');
    expect(reg.bestSearch).toEqual({ candidateId: 'c0004', score: 49 });
    expect(reg).toMatchObject({
      candidates: 5,
      valid: 4,
      state: 'ended',
      endReason: 'budget',
      activeMs: 60_000,
    });
  });

  it('compares the pick with the trivial baseline in the right direction', () => {
    expect(reg.beatsBaseline).toBe(true);
    const worse = buildStudyReport(writeStudy([regression]), {
      baseline: () => ({ score: 50, lowerIsBetter: true, model: 'strong' }),
    });
    expect(worse.runs[0]!.beatsBaseline).toBe(false);
    expect(report.summary).toMatchObject({
      picked: 1,
      beatBaseline: 1,
      withBaseline: 2,
      medals: { gold: 0, silver: 1, bronze: 0 },
    });
    // A run without a pick counts 0 in the mean percentile rank (docs/mlebench-grading.md §Percentile rank).
    expect(report.summary.meanPercentileRank).toBe(40);
  });

  it("traces the score series: best search so far, and the pick's validation and test at each time", () => {
    const pts = (k: 'search' | 'validation' | 'test') =>
      reg.series[k].map((p) => [p.activeMs / 1000, p.score]);
    expect(pts('search')).toEqual([
      [10, 60],
      [12, 55],
      [30, 50],
      [45, 49],
      [60, 49],
    ]);
    // c0003 has the best search score but a worse validation score: the pick stays c0002.
    expect(pts('validation')).toEqual([
      [10, 58],
      [12, 57],
      [45, 54],
      [60, 54],
    ]);
    expect(pts('test')).toEqual([
      [10, 59],
      [12, 56],
      [45, 53],
      [60, 53],
    ]);
  });

  it('gives the lineage through both parents of a crossover, each ancestor once', () => {
    expect(reg.lineage.map((n) => n.id)).toEqual(['c0004', 'c0002', 'c0003']);
    expect(lineageTree(reg.lineage).map((r) => `${r.depth}:${r.node.id}${r.repeat ? '*' : ''}`)).toEqual([
      '0:c0004',
      '1:c0002',
      '1:c0003',
      '2:c0002*',
    ]);
  });

  it('says plainly when there is no pick and when candidate code ran unprotected', () => {
    expect(report.runs[1]!.pick).toBeNull();
    expect(report.runs[1]!.beatsBaseline).toBeNull();
    expect(report.protection).toEqual({ sandboxes: ['none'], protected: false });
    const md = renderMarkdown(report);
    expect(md).toContain('No final pick: no valid candidate.');
    expect(md).toContain('Protection: **UNPROTECTED');
    const sandboxed = buildStudyReport(writeStudy([{ ...regression, sandbox: 'bubblewrap' }]));
    expect(sandboxed.protection).toEqual({ sandboxes: ['bubblewrap'], protected: true });
    expect(renderMarkdown(sandboxed)).toContain('Protection: **sandbox (bubblewrap)**');
  });

  it('labels ranks against a plugin\'s own leaderboard "reference leaderboard", never Kaggle', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('reference leaderboard');
    expect(md).not.toMatch(/kaggle/i);
    const mle = buildStudyReport(
      writeStudy([
        {
          ...regression,
          candidates: regression.candidates.map((c) => ({ ...c, leaderboard: 'mlebench' as const })),
        },
      ]),
    );
    expect(mle.runs[0]!.pick!.leaderboard!.label).toBe('Kaggle leaderboard (MLE-bench)');
  });

  it('marks a run whose journal has no end as interrupted', () => {
    const r = buildStudyReport(writeStudy([{ ...regression, endedAt: undefined }]));
    expect(r.runs[0]!.state).toBe('interrupted');
  });
});

describe('writeStudyReport', () => {
  it('writes report.json, report.md with plot files and report.html with the same plots inline', async () => {
    const dir = writeStudy([regression, failed], { suite: 'mini' });
    const w = await writeStudyReport(dir, options);
    const json = JSON.parse(readFileSync(w.json, 'utf8'));
    expect(json.format).toBe('aira.report/1');
    expect(json.runs[0].pick.candidateId).toBe('c0004');
    expect(w.plots).toEqual([join(dir, 'plots', 'reg-s0.svg')]);
    const svg = readFileSync(w.plots[0]!, 'utf8');
    const seen = inspectPlotSvg(svg);
    for (const s of SERIES)
      expect(seen.series[s.label], s.label).toEqual({
        line: true,
        points: w.report.runs[0]!.series[s.key].length,
      });
    const md = readFileSync(w.markdown, 'utf8');
    expect(md).toContain('](plots/reg-s0.svg)');
    const html = readFileSync(w.html, 'utf8');
    const inline = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(inline).toHaveLength(1);
    expect(inspectPlotSvg(inline[0]!).series[SERIES[0].label]!.line).toBe(true);
    expect(html).not.toMatch(/kaggle/i);
  });

  it('draws the trivial baseline only near the scores, and names it when it is off the chart', () => {
    const run = buildStudyReport(writeStudy([regression]), options).runs[0]!; // scores 49..60, baseline 78
    expect(baselineShown(run)).toBe(false);
    expect(JSON.stringify(scorePlotSpec(run))).toContain('trivial baseline 78, train mean, is off the chart');
    expect(baselineShown({ ...run, baseline: { ...run.baseline!, score: 65 } })).toBe(true);
  });

  it('rejects a plot that is not well-formed', () => {
    expect(() => inspectPlotSvg('<svg><g class="mark-line"></svg>')).toThrow(/not well-formed/);
  });
});
