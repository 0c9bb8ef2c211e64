import { DOMParser, type Element } from '@xmldom/xmldom';
import { SERIES } from './plot.js';

export interface PlotInspection {
  width: number;
  height: number;
  /** Per series label: points drawn and whether a line path with a non-empty outline exists. */
  series: Record<string, { points: number; line: boolean }>;
  /** Mark groups (`g.mark-*`) in the drawing. */
  marks: number;
}

function* elements(root: Element, tag: string): Generator<Element> {
  const list = root.getElementsByTagName(tag);
  for (let i = 0; i < list.length; i++) yield list.item(i)!;
}

/**
 * Reads a score plot back as a browser would have to: the SVG must be well-formed XML (any parse
 * error throws), and each series must be drawn as a line path and labelled points.
 */
export function inspectPlotSvg(svg: string): PlotInspection {
  const problems: string[] = [];
  let doc;
  try {
    doc = new DOMParser({
      onError: (level, message) => level !== 'warning' && problems.push(message),
    }).parseFromString(svg, 'image/svg+xml');
  } catch (err) {
    // A fatal error (mismatched or unclosed tags) is thrown rather than reported.
    problems.push((err as Error).message);
  }
  if (problems.length > 0 || !doc)
    throw new Error(`plot SVG is not well-formed: ${problems[0] ?? 'no document'}`);
  const root = doc.documentElement;
  if (!root || root.tagName !== 'svg')
    throw new Error(`plot SVG: root element is ${root?.tagName ?? 'missing'}, not svg`);
  const series: PlotInspection['series'] = Object.fromEntries(
    SERIES.map((s) => [s.label, { points: 0, line: false }]),
  );
  let marks = 0;
  for (const g of elements(root, 'g')) {
    const cls = g.getAttribute('class') ?? '';
    if (!/\bmark-/.test(cls)) continue;
    marks++;
    const line = /\bmark-line\b/.test(cls);
    const point = /\bmark-symbol\b/.test(cls) && /\brole-mark\b/.test(cls);
    if (!line && !point) continue;
    for (const path of elements(g, 'path')) {
      const label = path.getAttribute('aria-label') ?? '';
      const s = SERIES.find((x) => label.endsWith(`series: ${x.label}`));
      if (!s) continue;
      if (line && (path.getAttribute('d') ?? '').length > 1) series[s.label]!.line = true;
      if (point) series[s.label]!.points++;
    }
  }
  return {
    width: Number(root.getAttribute('width')),
    height: Number(root.getAttribute('height')),
    series,
    marks,
  };
}
