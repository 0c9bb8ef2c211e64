import { AIRA_VERSION, type Direction } from '@aira/core';
import { leaderboardLabel } from '@aira/report';
import { readCell, type CellResult } from '../aggregate/cells.js';
import { meanSe } from '../aggregate/stats.js';
import { gap, table1Entry, table2Entry, type Observation } from '../aggregate/tables.js';
import { PAPER_FIG3_NOTES, PAPER_TABLE1, PAPER_TABLE1_HOURS, paperHour, paperTable2 } from '../paper.js';
import type { PaperRow } from '../matrix/schema.js';
import { readAblationDoc } from '../study/files.js';
import {
  ABLATION_REPORT_FORMAT,
  type AblationReport,
  type Curve,
  type GapRow,
  type PaperTable1Entry,
  type Table1Row,
  type Table2Row,
  type TestCurve,
} from './types.js';

/** Points of the over-time curves besides the checkpoints. */
const GRID = 120;

/** Reads an ablation study's cells and aggregates them into the report model. */
export function buildAblationReport(dir: string): AblationReport {
  const doc = readAblationDoc(dir);
  const m = doc.matrix;
  const cells = doc.cells.map((c) => readCell(dir, c, m.checkpoints));
  return aggregateReport(doc.studyId, m, cells, doc.launches ?? []);
}

/** The report model from cells already read (pure: the tests feed it cells with known values). */
export function aggregateReport(
  studyId: string,
  m: AblationReport['matrix'],
  cells: CellResult[],
  launches: AblationReport['launches'] = [],
): AblationReport {
  const variants = m.variants.map((v) => v.name);
  const reference = variants[0]!;
  const directions = new Map<string, Direction>();
  for (const c of cells) if (c.state !== 'pending') directions.set(c.competition, c.direction);
  const paperRow = (variant: string) =>
    m.paper === 'table1'
      ? (m.variants.find((v) => v.name === variant)?.paper as PaperRow | undefined)
      : undefined;

  const observations = (variant: string, index: number, competition?: string): Observation[] =>
    cells
      .filter(
        (c) =>
          c.variant === variant &&
          (competition === undefined || c.competition === competition) &&
          c.picks[index]!.reached &&
          c.state !== 'pending',
      )
      .map((c) => {
        const p = c.picks[index]!;
        return {
          competition: c.competition,
          seed: c.seed,
          percentileRank: p.percentileRank,
          medal: p.medal,
          test: p.test,
        };
      });

  const table1: Table1Row[] = [];
  const table2: Table2Row[] = [];
  const gaps: GapRow[] = [];
  m.checkpoints.forEach((cp, i) => {
    const hours = paperHour(cp.ms, PAPER_TABLE1_HOURS);
    for (const variant of variants) {
      const row = paperRow(variant);
      let paper: PaperTable1Entry | null = null;
      if (row && hours !== null) {
        const p = PAPER_TABLE1[row];
        paper = {
          row,
          label: p.label,
          hours,
          pr: p.pr[hours]!,
          bronzePlus: p.bronzePlus[hours]!,
          silverPlus: p.silverPlus[hours]!,
          gold: p.gold[hours]!,
        };
      }
      table1.push({
        variant,
        checkpoint: cp.label,
        atMs: cp.ms,
        ...table1Entry(observations(variant, i), m.competitions, m.seeds),
        paper,
      });
      for (const competition of m.competitions) {
        table2.push({
          variant,
          competition,
          checkpoint: cp.label,
          atMs: cp.ms,
          ...table2Entry(observations(variant, i, competition)),
          paper: row === 'full' ? paperTable2(competition, cp.ms) : null,
        });
      }
      if (variant !== reference) {
        const refRow = paperRow(reference);
        const paperGap =
          row && refRow && hours !== null
            ? round1(PAPER_TABLE1[row].pr[hours]!.mean - PAPER_TABLE1[refRow].pr[hours]!.mean)
            : null;
        gaps.push({
          variant,
          reference,
          checkpoint: cp.label,
          atMs: cp.ms,
          ...gap(observations(variant, i), observations(reference, i), directions),
          paper: paperGap,
        });
      }
    }
  });

  const maxMs = Math.max(m.budgetMs, ...m.variants.map((v) => v.budgetMs));
  const times = [
    ...new Set([
      ...Array.from({ length: GRID + 1 }, (_, k) => Math.round((k * maxMs) / GRID)),
      ...m.checkpoints.map((c) => c.ms),
    ]),
  ].sort((a, b) => a - b);
  const curves: Curve[] = [];
  const testCurves: TestCurve[] = [];
  for (const variant of variants) {
    const mine = cells.filter((c) => c.variant === variant && c.state !== 'pending');
    const workers =
      mode(mine.map((c) => c.workers)) ?? m.variants.find((v) => v.name === variant)?.localWorkers ?? 1;
    const budget = m.variants.find((v) => v.name === variant)?.budgetMs ?? m.budgetMs;
    const live = (t: number) => mine.filter((c) => t <= budget && (c.state === 'ended' || c.activeMs >= t));
    curves.push({
      variant,
      workers,
      points: times
        .filter((t) => live(t).length > 0)
        .map((t) => ({
          activeMs: t,
          workerHours: (t * workers) / 3_600_000,
          pr: meanSe(live(t).map((c) => stepAt(c, t).percentileRank)),
        })),
    });
    for (const competition of m.competitions) {
      const points = times
        .map((t) => ({
          activeMs: t,
          test: meanSe(
            live(t)
              .filter((c) => c.competition === competition)
              .flatMap((c) => {
                const s = stepAt(c, t).test;
                return s === null ? [] : [s];
              }),
          ),
        }))
        .filter((p) => p.test.n > 0);
      testCurves.push({ variant, competition, points });
    }
  }

  const lbKinds = [...new Set(cells.flatMap((c) => (c.leaderboard ? [c.leaderboard.kind] : [])))];
  const cellBudget = (c: CellResult) => m.variants.find((v) => v.name === c.variant)?.budgetMs ?? m.budgetMs;
  return {
    format: ABLATION_REPORT_FORMAT,
    studyId,
    generatedAt: new Date().toISOString(),
    airaVersion: AIRA_VERSION,
    matrix: m,
    launches,
    sizes: {
      variants: variants.length,
      competitions: m.competitions.length,
      seeds: m.seeds.length,
      cells: cells.length,
      budgetMs: m.budgetMs,
      workerHours: cells.reduce(
        (s, c) =>
          s +
          ((m.variants.find((v) => v.name === c.variant)?.localWorkers ?? c.workers) * cellBudget(c)) /
            3_600_000,
        0,
      ),
    },
    progress: {
      ended: cells.filter((c) => c.state === 'ended').length,
      running: cells.filter((c) => c.state === 'running').length,
      pending: cells.filter((c) => c.state === 'pending').length,
    },
    variantLoad: Object.fromEntries(
      variants.map((v) => [
        v,
        loadWhile(
          cells.filter((c) => c.variant === v),
          launches,
        ),
      ]),
    ),
    unprotectedCells: cells.filter((c) => c.unprotected).length,
    computeUnit:
      cells.some((c) => c.gpus) || (m.paper === 'table1' && cells.every((c) => c.state === 'pending'))
        ? 'GPU-hours'
        : 'worker-hours',
    leaderboard: lbKinds.length === 0 ? 'leaderboard' : lbKinds.map(leaderboardLabel).join(' / '),
    reference,
    cells,
    table1,
    table2,
    gaps,
    curves,
    testCurves,
    directions: Object.fromEntries(directions),
    paperNotes: m.paper === 'table1' ? PAPER_FIG3_NOTES : [],
  };
}

/** The cell's submission at active time t: the last change at or before t (none yet: PR 0, no test). */
function stepAt(c: CellResult, t: number): { percentileRank: number; test: number | null } {
  let out: { percentileRank: number; test: number | null } = { percentileRank: 0, test: null };
  for (const s of c.steps) {
    if (s.activeMs > t) break;
    out = s;
  }
  return out;
}

function mode(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const counts = new Map<number, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The launches' load samples taken while any of these cells ran: their mean (null without samples). */
function loadWhile(
  cells: CellResult[],
  launches: AblationReport['launches'],
): { mean: number; samples: number } | null {
  const samples = launches
    .flatMap((l) => l.loadSeries ?? [])
    .filter(([t]) => cells.some((c) => c.span && t >= c.span[0] && t <= c.span[1]));
  if (samples.length === 0) return null;
  return {
    mean: Math.round((samples.reduce((a, [, x]) => a + x, 0) / samples.length) * 100) / 100,
    samples: samples.length,
  };
}
