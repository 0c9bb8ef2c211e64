import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { fmtScore } from './text.js';
import type { RunReport, ScoreSeries } from './types.js';

/** The series of the score plot, in legend order, with their colours. */
export const SERIES = [
  { key: 'search', label: 'best search score', color: '#4c78a8' },
  { key: 'validation', label: 'validation score of the pick', color: '#f58518' },
  { key: 'test', label: 'test score of the pick', color: '#54a24b' },
] as const satisfies ReadonlyArray<{ key: keyof ScoreSeries; label: string; color: string }>;

/**
 * Whether the trivial baseline is drawn: only when it lies near the scores (within one span of
 * them), so a far-away baseline (0.1 accuracy beside 0.85) does not flatten the lines.
 */
export function baselineShown(run: RunReport): boolean {
  if (!run.baseline) return false;
  const scores = SERIES.flatMap((s) => run.series[s.key].map((p) => p.score));
  if (scores.length === 0) return true;
  const lo = Math.min(...scores);
  const hi = Math.max(...scores);
  const span = hi - lo || Math.abs(hi) * 0.1 || 1;
  return run.baseline.score >= lo - span && run.baseline.score <= hi + span;
}

/** The Vega-Lite spec of a run's score-over-time plot (step lines over active minutes, the baseline dashed). */
export function scorePlotSpec(run: RunReport): TopLevelSpec {
  const values = SERIES.flatMap((s) =>
    run.series[s.key].map((p) => ({ minutes: p.activeMs / 60_000, score: p.score, series: s.label })),
  );
  const better = run.direction === 'maximize' ? 'higher is better' : 'lower is better';
  const lines = {
    data: { values },
    mark: { type: 'line' as const, interpolate: 'step-after' as const, point: true, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'minutes',
        type: 'quantitative' as const,
        title: 'active time (minutes)',
        scale: { domainMin: 0 },
      },
      y: {
        field: 'score',
        type: 'quantitative' as const,
        title: `score (${better})`,
        scale: { zero: false },
      },
      color: {
        field: 'series',
        type: 'nominal' as const,
        title: null,
        scale: { domain: SERIES.map((s) => s.label), range: SERIES.map((s) => s.color) },
        legend: { orient: 'bottom' as const, direction: 'horizontal' as const, labelLimit: 320 },
      },
    },
  };
  const layers: unknown[] = [lines];
  const shown = baselineShown(run);
  if (run.baseline && shown) {
    const b = { score: run.baseline.score, label: `trivial baseline (${run.baseline.model})` };
    layers.push(
      {
        data: { values: [b] },
        mark: { type: 'rule', strokeDash: [6, 4], color: '#888' },
        encoding: { y: { field: 'score', type: 'quantitative' } },
      },
      {
        data: { values: [b] },
        mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#666', fontSize: 10 },
        encoding: { y: { field: 'score', type: 'quantitative' }, x: { datum: 0 }, text: { field: 'label' } },
      },
    );
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: run.competition ?? run.runId,
      subtitle: `${run.runId}: scores over the run's active time${run.baseline && !shown ? ` (trivial baseline ${fmtScore(run.baseline.score)}, ${run.baseline.model}, is off the chart)` : ''}`,
    },
    width: 560,
    height: 240,
    background: 'white',
    layer: layers,
  } as TopLevelSpec;
}

/** Renders a Vega-Lite spec to an SVG string, headless (no canvas, no browser). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The run's plot as SVG, or null when it has no scored candidate to show. */
export async function scorePlotSvg(run: RunReport): Promise<string | null> {
  if (SERIES.every((s) => run.series[s.key].length === 0)) return null;
  return renderSvg(scorePlotSpec(run));
}
