import type { CandidateRecord } from '@aira/coordinator';
import type { LineageNode } from './types.js';

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/**
 * The candidate and its ancestors through every parent (a crossover has two), each once, in
 * depth-first order from the candidate: how the final pick came to be.
 */
export function lineageOf(id: string, candidates: ReadonlyMap<string, CandidateRecord>): LineageNode[] {
  const out: LineageNode[] = [];
  const seen = new Set<string>();
  const visit = (cid: string) => {
    if (seen.has(cid)) return;
    seen.add(cid);
    const c = candidates.get(cid);
    if (!c) return;
    out.push({
      id: c.id,
      operator: c.operator,
      parents: [...c.parents],
      search: num(c.scores.search),
      validation: num(c.scores.validation),
      test: num(c.scores.test),
      activeMs: c.timings.activeMs,
      workerId: c.workerId,
      summary: c.summary,
    });
    for (const p of c.parents) visit(p);
  };
  visit(id);
  return out;
}

/**
 * The lineage as an indented tree: [depth, node, seen-before] rows, each parent under its child;
 * an ancestor reached twice (through a crossover) is shown once and referred to after.
 */
export function lineageTree(
  nodes: readonly LineageNode[],
): Array<{ depth: number; node: LineageNode; repeat: boolean }> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const rows: Array<{ depth: number; node: LineageNode; repeat: boolean }> = [];
  const shown = new Set<string>();
  const walk = (id: string, depth: number) => {
    const n = byId.get(id);
    if (!n) return;
    const repeat = shown.has(id);
    rows.push({ depth, node: n, repeat });
    if (repeat) return;
    shown.add(id);
    for (const p of n.parents) walk(p, depth + 1);
  };
  if (nodes[0]) walk(nodes[0].id, 0);
  return rows;
}
