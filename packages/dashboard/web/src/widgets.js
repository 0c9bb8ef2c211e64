import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import embed from 'vega-embed';
import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import hljs from 'highlight.js/lib/core';
import python from 'highlight.js/lib/languages/python';
import bash from 'highlight.js/lib/languages/bash';
import diffLang from 'highlight.js/lib/languages/diff';
import { createTwoFilesPatch } from 'diff';

cytoscape.use(dagre);
hljs.registerLanguage('python', python);
hljs.registerLanguage('bash', bash);
hljs.registerLanguage('diff', diffLang);

/** A Vega-Lite chart (the specs come from the report and ablation packages). */
export function Chart({ spec, testid }) {
  const el = useRef(null);
  useEffect(() => {
    if (!el.current || !spec) return undefined;
    let view;
    embed(el.current, spec, { actions: false, renderer: 'svg' })
      .then((r) => (view = r.view))
      .catch((err) => (el.current.textContent = `chart: ${err.message}`));
    return () => view?.finalize();
  }, [JSON.stringify(spec)]);
  return html`<div class="chart" data-testid=${testid} ref=${el}></div>`;
}

/** Code with syntax highlighting (highlight.js). */
export function Code({ text, lang = 'python', testid }) {
  const el = useRef(null);
  useEffect(() => {
    if (!el.current) return;
    el.current.textContent = text ?? '';
    el.current.removeAttribute('data-highlighted');
    if (text) hljs.highlightElement(el.current);
  }, [text, lang]);
  return html`<pre
    class="code"
  ><code data-testid=${testid} class=${`language-${lang}`} ref=${el}></code></pre>`;
}

/** A unified diff of a parent's code to the candidate's (jsdiff), highlighted. */
export function Diff({ from, to, fromName, toName, testid }) {
  const patch = createTwoFilesPatch(fromName, toName, from ?? '', to ?? '', '', '', { context: 3 });
  return html`<${Code} text=${patch} lang="diff" testid=${testid} />`;
}

const colour = (t) => {
  // t in [0, 1] (1 = best): red → yellow → green.
  const h = Math.round(120 * Math.max(0, Math.min(1, t)));
  return `hsl(${h}, 65%, 55%)`;
};

/**
 * The population as a lineage graph (cytoscape, dagre layout): parents above children, nodes
 * coloured by search score (best green), invalid ones grey, the final pick outlined, each edge
 * labelled with the operator that made the child.
 */
export function Lineage({ nodes, pick, direction, onPick, height = 520, testid = 'lineage' }) {
  const el = useRef(null);
  useEffect(() => {
    if (!el.current) return undefined;
    const ids = new Set(nodes.map((n) => n.id));
    const scores = nodes.filter((n) => n.valid && n.search !== null).map((n) => n.search);
    const lo = Math.min(...scores);
    const hi = Math.max(...scores);
    const rel = (s) =>
      hi === lo ? 1 : direction === 'minimize' ? (hi - s) / (hi - lo) : (s - lo) / (hi - lo);
    const elements = [
      ...nodes.map((n) => ({
        data: {
          id: n.id,
          label: `${n.id}${n.search !== null ? `\n${Number(n.search).toPrecision(4)}` : ''}`,
          color: n.valid && n.search !== null ? colour(rel(n.search)) : '#bbb',
        },
        classes: n.id === pick ? 'pick' : '',
      })),
      ...nodes.flatMap((n) =>
        n.parents
          .filter((p) => ids.has(p))
          .map((p) => ({ data: { id: `${p}->${n.id}`, source: p, target: n.id, label: n.operator } })),
      ),
    ];
    const cy = cytoscape({
      container: el.current,
      elements,
      layout: { name: 'dagre', rankDir: 'TB', nodeSep: 12, rankSep: 40 },
      style: [
        {
          selector: 'node',
          style: {
            'background-color': 'data(color)',
            label: 'data(label)',
            'text-wrap': 'wrap',
            'font-size': 9,
            'text-valign': 'center',
            width: 54,
            height: 30,
            shape: 'round-rectangle',
          },
        },
        { selector: 'node.pick', style: { 'border-width': 4, 'border-color': '#1d3557' } },
        {
          selector: 'edge',
          style: {
            width: 1.5,
            'curve-style': 'bezier',
            'target-arrow-shape': 'triangle',
            label: 'data(label)',
            'font-size': 8,
            color: '#555',
            'text-background-color': '#fff',
            'text-background-opacity': 0.8,
          },
        },
      ],
      wheelSensitivity: 0.3,
      maxZoom: 1.6,
    });
    cy.on('tap', 'node', (e) => onPick?.(e.target.id()));
    el.current.cy = cy;
    return () => cy.destroy();
  }, [nodes.map((n) => n.id).join(','), pick]);
  return html`<div
    class="graph"
    style=${`height:${height}px`}
    data-testid=${testid}
    data-nodes=${nodes.length}
    ref=${el}
  ></div>`;
}
