import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '@aira/report';
import type { AblationReport } from './types.js';

const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d'];

/** Minutes for short budgets (the mini suite), hours for the paper's. */
function timeUnit(report: AblationReport): { div: number; name: string } {
  return report.matrix.budgetMs < 2 * 3_600_000
    ? { div: 60_000, name: 'minutes' }
    : { div: 3_600_000, name: 'hours' };
}

function colors(report: AblationReport) {
  const names = report.matrix.variants.map((v) => v.name);
  return {
    field: 'variant',
    type: 'nominal' as const,
    title: 'variant',
    scale: { domain: names, range: PALETTE.slice(0, names.length) },
    legend: { orient: 'bottom' as const, direction: 'horizontal' as const },
  };
}

/** Mean Percentile Rank of the submission over active time, per variant (± SE band; checkpoints dashed). */
export function prOverTimeSpec(report: AblationReport): TopLevelSpec {
  const u = timeUnit(report);
  const values = report.curves.flatMap((c) =>
    c.points.map((p) => ({
      variant: c.variant,
      t: p.activeMs / u.div,
      pr: p.pr.mean,
      lo: p.pr.mean! - (p.pr.se ?? 0),
      hi: p.pr.mean! + (p.pr.se ?? 0),
      n: p.pr.n,
    })),
  );
  const x = {
    field: 't',
    type: 'quantitative' as const,
    title: `active time (${u.name})`,
    scale: { domainMin: 0 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Percentile Rank over time',
      subtitle: `${report.studyId}: mean over competitions × seeds of the submission at each time (band: ± SE)`,
    },
    width: 620,
    height: 300,
    background: 'white',
    layer: [
      {
        data: { values },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
        encoding: {
          x,
          y: {
            field: 'pr',
            type: 'quantitative',
            title: 'mean Percentile Rank',
            scale: { domain: [0, 100] },
          },
          color: colors(report),
        },
      },
      {
        data: { values },
        mark: { type: 'area', opacity: 0.12, interpolate: 'step-after' },
        encoding: {
          x,
          y: { field: 'lo', type: 'quantitative' },
          y2: { field: 'hi' },
          color: { ...colors(report), legend: null },
        },
      },
      {
        data: { values: report.matrix.checkpoints.map((c) => ({ t: c.ms / u.div, label: c.label })) },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#999' },
        encoding: { x: { field: 't', type: 'quantitative' } },
      },
    ],
    resolve: { legend: { color: 'independent' } },
  } as TopLevelSpec;
}

/** The paper's Fig. 3 view (docs/paper.md §Fig. 3): mean Percentile Rank against worker-hours (GPU-hours on GPU workers). */
export function fig3Spec(report: AblationReport): TopLevelSpec {
  const values = report.curves.flatMap((c) =>
    c.points.map((p) => ({
      variant: `${c.variant} (${c.workers} worker${c.workers === 1 ? '' : 's'})`,
      base: c.variant,
      x: p.workerHours,
      pr: p.pr.mean,
    })),
  );
  const names = report.curves.map((c) => `${c.variant} (${c.workers} worker${c.workers === 1 ? '' : 's'})`);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: "Percentile Rank against compute (the paper's Fig. 3 view)",
      subtitle: `${report.studyId}: x = active time × workers`,
    },
    width: 620,
    height: 300,
    background: 'white',
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: report.computeUnit === 'GPU-hours' ? 'GPU-hours' : 'worker-hours (one CPU slot per worker)',
        scale: { domainMin: 0 },
      },
      y: { field: 'pr', type: 'quantitative', title: 'mean Percentile Rank', scale: { domain: [0, 100] } },
      color: {
        field: 'variant',
        type: 'nominal',
        title: null,
        scale: { domain: names, range: PALETTE.slice(0, names.length) },
        legend: { orient: 'bottom', direction: 'horizontal', labelLimit: 320 },
      },
    },
  } as TopLevelSpec;
}

/** Test score of the submission over time per variant, one panel per competition (mean over seeds). */
export function testOverTimeSpec(report: AblationReport): TopLevelSpec {
  const u = timeUnit(report);
  const values = report.testCurves.flatMap((c) =>
    c.points.map((p) => ({
      variant: c.variant,
      competition: `${c.competition} (${report.directions[c.competition] === 'minimize' ? 'lower' : 'higher'} is better)`,
      t: p.activeMs / u.div,
      test: p.test.mean,
    })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Test score over time per variant',
      subtitle: `${report.studyId}: mean over seeds of the submission's test score`,
    },
    background: 'white',
    data: { values },
    facet: { field: 'competition', type: 'nominal', title: null },
    columns: 2,
    spec: {
      width: 300,
      height: 170,
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
      encoding: {
        x: { field: 't', type: 'quantitative', title: `active time (${u.name})`, scale: { domainMin: 0 } },
        y: { field: 'test', type: 'quantitative', title: 'test score', scale: { zero: false } },
        color: colors(report),
      },
    },
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}

export interface AblationPlots {
  prOverTime: string;
  fig3: string;
  testOverTime: string;
}

export async function renderPlots(report: AblationReport): Promise<AblationPlots> {
  return {
    prOverTime: await renderSvg(prOverTimeSpec(report)),
    fig3: await renderSvg(fig3Spec(report)),
    testOverTime: await renderSvg(testOverTimeSpec(report)),
  };
}
