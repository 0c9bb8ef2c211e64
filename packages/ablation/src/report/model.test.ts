import { describe, expect, it } from 'vitest';
import type { CellResult, Medal } from '../aggregate/cells.js';
import type { AblationDoc } from '../study/files.js';
import { reportBlocks } from './document.js';
import { renderBlocksHtml } from './html.js';
import { renderBlocksMarkdown } from './markdown.js';
import { aggregateReport } from './model.js';
import { renderPlots } from './plots.js';

const H = 3_600_000;

/** A matrix as ablation.json records it: two variants of the paper's Table 1, one Table 2 competition. */
function matrix(paper: boolean): AblationDoc['matrix'] {
  const variant = (name: string, row: string, workers: number) => ({
    name,
    ...(paper ? { paper: row } : {}),
    overrides: {},
    localWorkers: workers,
    policy: 'evolution',
    hce: 'on',
    agent: 'react',
    perExecMs: 9 * H,
    budgetMs: 72 * H,
    maxJobs: null,
  });
  return {
    file: null,
    name: 'hand',
    ...(paper ? { paper: 'table1' as const } : {}),
    competitions: ['spooky-author-identification', 'mlsp-2013-birds'],
    seeds: [0, 1],
    budgetMs: 72 * H,
    checkpoints: [
      { label: '3h', ms: 3 * H },
      { label: '72h', ms: 72 * H },
    ],
    hash: 'x',
    variants: [variant('full', 'full', 8), variant('1-gpu', '1-gpu', 1)],
    launcher: { kind: 'local', slots: 8 },
  };
}

/**
 * A cell whose submission changes at the given active hours to the given (PR, medal, test); the
 * pick at a checkpoint is the last change at or before it, as pickAt would give.
 */
function cell(
  variant: string,
  competition: string,
  seed: number,
  changes: Array<[number, number, Medal | null, number]>,
): CellResult {
  const at = (ms: number) => [...changes].reverse().find(([h]) => h * H <= ms);
  const pick = (label: string, ms: number) => {
    const c = at(ms);
    return {
      checkpoint: label,
      atMs: ms,
      reached: true,
      candidateId: c ? `c${c[0]}` : null,
      by: c ? ('validation' as const) : null,
      search: null,
      validation: null,
      test: c ? c[3] : null,
      percentileRank: c ? c[1] : 0,
      medal: c ? c[2] : null,
      aboveMedian: false,
      eligible: 1,
    };
  };
  return {
    cellId: `${variant}--${competition}--s${seed}`,
    variant,
    competition,
    seed,
    workers: variant === 'full' ? 8 : 1,
    gpus: true,
    state: 'ended',
    endReason: 'budget',
    activeMs: 72 * H,
    span: [0, 72 * H],
    jobs: changes.length,
    candidates: changes.length,
    valid: changes.length,
    direction: competition === 'spooky-author-identification' ? 'minimize' : 'maximize',
    unprotected: false,
    leaderboard: { kind: 'mlebench', file: '/nowhere/leaderboard.csv', exact: true },
    evaluator: 'hce',
    picks: [pick('3h', 3 * H), pick('72h', 72 * H)],
    steps: changes.map(([h, pr, , test]) => ({
      activeMs: h * H,
      candidateId: `c${h}`,
      test,
      percentileRank: pr,
    })),
  };
}

// full: at 3 h PR 90, 70, 50, 30 (mean 60); at 72 h PR 100, 80, 60, 40 (mean 70).
// 1-gpu: nothing by 3 h on three cells, 20 on one (mean 5); at 72 h 60, 40, 20, 0 → mean 30.
const cells = [
  cell('full', 'spooky-author-identification', 0, [
    [1, 90, 'gold', 0.2],
    [10, 100, 'gold', 0.15],
  ]),
  cell('full', 'spooky-author-identification', 1, [
    [2, 70, 'silver', 0.3],
    [30, 80, 'gold', 0.25],
  ]),
  cell('full', 'mlsp-2013-birds', 0, [
    [2, 50, null, 0.8],
    [40, 60, 'bronze', 0.85],
  ]),
  cell('full', 'mlsp-2013-birds', 1, [
    [3, 30, null, 0.7],
    [50, 40, null, 0.75],
  ]),
  cell('1-gpu', 'spooky-author-identification', 0, [[5, 60, 'bronze', 0.35]]),
  cell('1-gpu', 'spooky-author-identification', 1, [
    [2.5, 20, null, 0.6],
    [20, 40, null, 0.5],
  ]),
  cell('1-gpu', 'mlsp-2013-birds', 0, [[8, 20, null, 0.6]]),
  cell('1-gpu', 'mlsp-2013-birds', 1, [[9, 0, null, 0.1]]),
];

describe('the ablation report model', () => {
  const r = aggregateReport('hand', matrix(true), cells);
  const t1 = (v: string, cp: string) => r.table1.find((t) => t.variant === v && t.checkpoint === cp)!;

  it('Table 1: mean PR ± SE over all (competition, seed) values at each checkpoint', () => {
    // full 3 h: 90 70 50 30 → mean 60, deviations ±30 ±10 → Σ² 2000, SD √(2000/3) = 25.820, SE 12.910
    expect(t1('full', '3h').pr.mean).toBe(60);
    expect(t1('full', '3h').pr.se).toBeCloseTo(12.9099, 4);
    expect(t1('full', '72h').pr.mean).toBe(70);
    expect(t1('full', '72h').pr.se).toBeCloseTo(12.9099, 4);
    // 1-gpu 3 h: 0 20 0 0 → mean 5, Σ² = 3·25 + 225 = 300, SD 10, SE 5
    expect(t1('1-gpu', '3h').pr).toEqual({ n: 4, mean: 5, se: 5 });
    // 1-gpu 72 h: 60 40 20 0 → mean 30, SE 12.910
    expect(t1('1-gpu', '72h').pr.mean).toBe(30);
  });

  it('medal rates, pooled and per seed', () => {
    // full 72 h: gold, gold, bronze, none → Bronze+ 75, Silver+ 50, Gold 50
    expect(t1('full', '72h').medals).toEqual({ bronzePlus: 75, silverPlus: 50, gold: 50 });
    // per seed: s0 {gold, bronze} → 100 / 50 / 50; s1 {gold, none} → 50 / 50 / 50
    expect(t1('full', '72h').medalsBySeed.bronzePlus).toEqual({ n: 2, mean: 75, se: 25 });
    expect(t1('full', '72h').medalsBySeed.gold).toEqual({ n: 2, mean: 50, se: 0 });
    // full 3 h: gold, silver, none, none → Silver+ 50, Gold 25
    expect(t1('full', '3h').medals).toEqual({ bronzePlus: 50, silverPlus: 50, gold: 25 });
  });

  it("puts the paper's Table 1 beside ours at the paper's cut-offs", () => {
    expect(t1('full', '3h').paper).toMatchObject({
      row: 'full',
      hours: 3,
      pr: { mean: 59.9, se: 3.6 },
      bronzePlus: 38.9,
      gold: 20.0,
    });
    expect(t1('1-gpu', '72h').paper).toMatchObject({
      row: '1-gpu',
      hours: 72,
      pr: { mean: 63.5, se: 3.8 },
      silverPlus: 41.1,
    });
    // Table 2 for full AIRA2 only: spooky 97.3 at 3 h, 98.4 at 72 h; mlsp 96.7 / 98.8.
    const t2 = (v: string, c: string, cp: string) =>
      r.table2.find((t) => t.variant === v && t.competition === c && t.checkpoint === cp)!;
    expect(t2('full', 'spooky-author-identification', '3h').paper).toBe(97.3);
    expect(t2('full', 'mlsp-2013-birds', '72h').paper).toBe(98.8);
    expect(t2('1-gpu', 'mlsp-2013-birds', '72h').paper).toBeNull();
    // ours for spooky at 72 h: PR 100, 80 → mean 90, SE 10; test 0.15, 0.25 → mean 0.2, SE 0.05
    expect(t2('full', 'spooky-author-identification', '72h').pr).toEqual({ n: 2, mean: 90, se: 10 });
    expect(t2('full', 'spooky-author-identification', '72h').test.mean).toBeCloseTo(0.2, 12);
    expect(t2('full', 'spooky-author-identification', '72h').test.se).toBeCloseTo(0.05, 12);
  });

  it('gaps against the first variant, paired, with the paper gap beside', () => {
    const g = r.gaps.find((x) => x.variant === '1-gpu' && x.checkpoint === '72h')!;
    // 60−100, 40−80, 20−60, 0−40: all −40 → mean −40, SE 0; paper 63.5 − 76.0 = −12.5
    expect(g.pr).toEqual({ n: 4, mean: -40, se: 0 });
    expect(g.paper).toBe(-12.5);
    // test: spooky (lower is better) 0.35 vs 0.15 worse, 0.5 vs 0.25 worse; mlsp 0.6 vs 0.85 worse, 0.1 vs 0.75 worse
    expect(g.test).toEqual({ better: 0, same: 0, worse: 4, missing: 0 });
  });

  it('curves over time and against worker-hours (Fig. 3)', () => {
    const full = r.curves.find((c) => c.variant === 'full')!;
    const one = r.curves.find((c) => c.variant === '1-gpu')!;
    expect(full.workers).toBe(8);
    expect(one.workers).toBe(1);
    const at = (c: typeof full, ms: number) => c.points.find((p) => p.activeMs === ms)!;
    expect(at(full, 3 * H).pr.mean).toBe(60);
    expect(at(full, 3 * H).workerHours).toBe(24);
    expect(at(one, 72 * H).workerHours).toBe(72);
    expect(at(full, 0).pr.mean).toBe(0);
    expect(r.computeUnit).toBe('GPU-hours');
    expect(r.leaderboard).toBe('Kaggle leaderboard (MLE-bench)');
    expect(r.sizes).toMatchObject({
      variants: 2,
      competitions: 2,
      seeds: 2,
      cells: 8,
      workerHours: 4 * 8 * 72 + 4 * 72,
    });
  });

  it('renders Markdown and HTML with the paper rows, and three SVG plots', async () => {
    const blocks = reportBlocks(r);
    const md = renderBlocksMarkdown(blocks);
    expect(md).toContain('| **full** | 60.0 ± 12.9 | 70.0 ± 12.9 |');
    expect(md).toContain('*paper: AIRA2 (8 GPU, sub-agents, HCE)*');
    expect(md).toContain('*59.9 ± 3.6*');
    expect(md).toContain('| spooky-author-identification | 80.0 ± 10.0 *(97.3)* | 90.0 ± 10.0 *(98.4)* |');
    // ΔPR at 3 h: 0−90, 20−70, 0−50, 0−30 = −90 −50 −50 −30 → mean −55; Σ² 1900, SD √(1900/3), SE 12.583
    expect(md).toContain('| **1-gpu** | −55.0 ± 12.6 (4) | −40.0 ± 0.0 (4) |');
    const svgs = await renderPlots(r);
    for (const svg of Object.values(svgs)) expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(svgs.fig3).toContain('GPU-hours');
    const html = renderBlocksHtml('hand', blocks, svgs as unknown as Record<string, string>);
    expect(html).toContain('<i>paper: AIRA2 (1 GPU)</i>');
    expect(html.match(/<svg/g)!.length).toBe(3);
  });

  it("leaves the paper out of a matrix that is not the paper's", () => {
    const own = aggregateReport('hand', matrix(false), cells);
    expect(own.table1.every((t) => t.paper === null)).toBe(true);
    expect(own.table2.every((t) => t.paper === null)).toBe(true);
    expect(own.gaps.every((g) => g.paper === null)).toBe(true);
    expect(renderBlocksMarkdown(reportBlocks(own))).not.toContain('paper:');
  });

  it('counts a cell at a checkpoint only once it has run that long', () => {
    const partial = cells.map((c, i) =>
      i === 0
        ? {
            ...c,
            state: 'running' as const,
            activeMs: 10 * H,
            picks: c.picks.map((p) => ({ ...p, reached: p.atMs <= 10 * H })),
          }
        : c,
    );
    const p = aggregateReport('hand', matrix(true), partial);
    const row = p.table1.find((t) => t.variant === 'full' && t.checkpoint === '72h')!;
    expect(row.n).toBe(3);
    expect(row.pr.mean).toBe(60); // 80, 60, 40
    expect(row.medalsBySeed.seeds).toEqual([1]); // seed 0 lacks spooky at 72 h
    expect(p.progress).toEqual({ ended: 7, running: 1, pending: 0 });
  });
});
