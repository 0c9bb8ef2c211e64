import { describe, expect, it } from 'vitest';
import { resolveSearch, SearchConfig } from '../config/schema.js';
import type { CandidateRecord, JobSpec, Operator } from '../state/types.js';
import { bestOfKPolicy, evolutionPolicy, greedyPolicy, type PolicyView } from './policy.js';
import { rankProbabilities } from './selection.js';
import { rngFor } from './rng.js';

const ref = { sha256: 'x', size: 0 };
function cand(
  id: string,
  search: number | null,
  opts: { valid?: boolean; debugDepth?: number; operator?: Operator } = {},
): CandidateRecord {
  const valid = opts.valid ?? search !== null;
  return {
    id,
    jobId: `j-${id}`,
    operator: opts.operator ?? 'draft',
    parents: [],
    attempt: 1,
    workerId: 'w',
    debugDepth: opts.debugDepth ?? 0,
    code: ref,
    artifacts: {},
    output: ref,
    scores: { valid, search },
    timings: { startedAt: 0, submittedAt: 0, evaluatedAt: 0, activeMs: 0 },
  };
}
function job(id: string, operator: Operator, parents: string[] = []): JobSpec {
  return { id, index: 0, operator, parents, seed: 0, debugDepth: 0 };
}
function view(
  candidates: CandidateRecord[],
  jobs: JobSpec[] = [],
  inFlight: JobSpec[] = [],
  direction: 'maximize' | 'minimize' = 'maximize',
): PolicyView {
  return { direction, candidates, jobs: [...jobs, ...inFlight], inFlight };
}
const params = (over: Record<string, unknown> = {}) => resolveSearch(SearchConfig.parse(over), 4);

describe('evolution policy', () => {
  it('drafts until the initial population exists, counting drafts under way', () => {
    const p = evolutionPolicy(params({ initialPopulation: 3 }));
    const rng = rngFor(1, 't');
    expect(p.propose(view([]), rng).operator).toBe('draft');
    expect(p.propose(view([cand('c1', 1)], [], [job('j2', 'draft')]), rng).operator).toBe('draft');
    // two valid + one draft running = 3: evolution starts
    expect(p.propose(view([cand('c1', 1), cand('c2', 2)], [], [job('j3', 'draft')]), rng).operator).not.toBe(
      'draft',
    );
    // failed drafts do not count toward the initial population
    expect(p.propose(view([cand('c1', 1), cand('f1', null), cand('f2', null)]), rng).operator).toBe('draft');
  });

  it('never picks an invalid candidate as a parent and crosses over with probability 0.15', () => {
    const p = evolutionPolicy(params({ initialPopulation: 2 }));
    const population = [
      cand('c1', 0.5),
      cand('bad', 99, { valid: false }),
      cand('c2', 0.7),
      cand('c3', 0.6),
      cand('nan', null),
    ];
    const n = 4000;
    let crossovers = 0;
    for (let i = 0; i < n; i++) {
      const prop = p.propose(view(population), rngFor(9, 'evo', i));
      expect(['mutate', 'crossover']).toContain(prop.operator);
      for (const parent of prop.parents) expect(['c1', 'c2', 'c3']).toContain(parent);
      if (prop.operator === 'crossover') {
        crossovers++;
        expect(new Set(prop.parents).size).toBe(2);
      } else expect(prop.parents).toHaveLength(1);
    }
    // Binomial(4000, 0.15): sd ≈ 22.6; 5 sd either side.
    expect(Math.abs(crossovers - 0.15 * n)).toBeLessThan(5 * Math.sqrt(n * 0.15 * 0.85));
  });

  it('draws mutation parents by rank with the paper weights (chi-square), respecting direction', () => {
    const p = evolutionPolicy(params({ initialPopulation: 1, crossoverProbability: 0 }));
    // minimize: the lowest score is rank 1
    const population = [cand('r3', 3), cand('r1', 1), cand('r4', 4), cand('r2', 2)];
    const counts: Record<string, number> = { r1: 0, r2: 0, r3: 0, r4: 0 };
    const n = 20_000;
    for (let i = 0; i < n; i++)
      counts[p.propose(view(population, [], [], 'minimize'), rngFor(2, 'mut', i)).parents[0]!]!++;
    const probs = rankProbabilities(4, 0.2);
    const chi = ['r1', 'r2', 'r3', 'r4'].reduce(
      (s, k, i) => s + (counts[k]! - probs[i]! * n) ** 2 / (probs[i]! * n),
      0,
    );
    expect(chi).toBeLessThan(16.266); // chi-square df = 3, upper 0.1%
  });

  it('debugs a failed leaf when asked, up to the depth limit', () => {
    const p = evolutionPolicy(params({ initialPopulation: 1, debugProbability: 1, maxDebugDepth: 2 }));
    const rng = rngFor(4, 'd');
    const a = p.propose(view([cand('ok', 1), cand('f', null, { debugDepth: 0 })]), rng);
    expect(a).toEqual({ operator: 'debug', parents: ['f'], debugDepth: 1 });
    // at the limit: no more debugging, evolution goes on
    const b = p.propose(view([cand('ok', 1), cand('f2', null, { debugDepth: 2 })]), rng);
    expect(b.operator).toBe('mutate');
    // a failed candidate that already has a child is not a leaf
    const c = p.propose(view([cand('ok', 1), cand('f', null)], [job('j9', 'debug', ['f'])]), rng);
    expect(c.operator).not.toBe('debug');
  });

  it('never debugs by default (ReAct jobs debug inside their trajectory)', () => {
    const p = evolutionPolicy(params({ initialPopulation: 1 }));
    for (let i = 0; i < 200; i++)
      expect(p.propose(view([cand('ok', 1), cand('f', null)]), rngFor(1, i)).operator).not.toBe('debug');
  });
});

describe('greedy policy (AIDE)', () => {
  it('drafts numDrafts times, then improves the best', () => {
    const p = greedyPolicy(params({ policy: 'greedy', numDrafts: 2, debugProbability: 0 }));
    const rng = rngFor(1, 'g');
    expect(p.propose(view([], [job('j1', 'draft')]), rng).operator).toBe('draft');
    const drafts = [job('j1', 'draft'), job('j2', 'draft')];
    expect(p.propose(view([cand('a', 1), cand('b', 5)], drafts), rng)).toEqual({
      operator: 'improve',
      parents: ['b'],
      debugDepth: 0,
    });
    expect(p.propose(view([cand('a', 1), cand('b', 5)], drafts, [], 'minimize'), rng).parents).toEqual(['a']);
  });

  it('debugs buggy leaves with probability 1 by default, and drafts when nothing is valid', () => {
    const p = greedyPolicy(params({ policy: 'greedy', numDrafts: 1 }));
    const rng = rngFor(1, 'g2');
    const drafts = [job('j1', 'draft')];
    expect(p.propose(view([cand('f', null)], drafts), rng)).toEqual({
      operator: 'debug',
      parents: ['f'],
      debugDepth: 1,
    });
    expect(p.propose(view([cand('f', null, { debugDepth: 20 })], drafts), rng).operator).toBe('draft');
  });
});

describe('best-of-k policy', () => {
  it('only ever drafts, never with a parent, whatever the population', () => {
    const p = bestOfKPolicy();
    const population = [cand('a', 1), cand('b', 2), cand('f', null)];
    for (let i = 0; i < 500; i++) {
      const prop = p.propose(view(population, [job('j', 'draft')]), rngFor(1, i));
      expect(prop).toEqual({ operator: 'draft', parents: [], debugDepth: 0 });
    }
  });
});
