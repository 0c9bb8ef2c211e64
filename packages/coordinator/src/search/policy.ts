import type { PolicyName, ResolvedSearch } from '../config/schema.js';
import {
  rankCandidates,
  type CandidateRecord,
  type Direction,
  type JobSpec,
  type Operator,
} from '../state/types.js';
import { drawByRank } from './selection.js';
import type { Rng } from './rng.js';

/** What a policy sees when a worker slot frees. */
export interface PolicyView {
  direction: Direction;
  /** Every candidate, in the order added. */
  candidates: readonly CandidateRecord[];
  /** Every job created so far, finished or not (a candidate's children are found here). */
  jobs: readonly JobSpec[];
  /** Jobs created and not yet finished. */
  inFlight: readonly JobSpec[];
}

export interface Proposal {
  operator: Operator;
  parents: string[];
  debugDepth: number;
}

/** Picks the next job the moment a slot frees (steady state: it never waits). */
export interface SearchPolicy {
  readonly name: PolicyName;
  propose(view: PolicyView, rng: Rng): Proposal;
}

const draft: Proposal = { operator: 'draft', parents: [], debugDepth: 0 };

/** Failed candidates no job has built on yet, whose debug chain is under the limit. */
function buggyLeaves(view: PolicyView, maxDepth: number): CandidateRecord[] {
  const used = new Set(view.jobs.flatMap((j) => j.parents));
  return view.candidates.filter((c) => !c.scores.valid && !used.has(c.id) && c.debugDepth < maxDepth);
}

function maybeDebug(view: PolicyView, p: ResolvedSearch, rng: Rng): Proposal | null {
  if (p.debugProbability <= 0 || rng.next() >= p.debugProbability) return null;
  const leaves = buggyLeaves(view, p.maxDebugDepth);
  if (leaves.length === 0) return null;
  const leaf = leaves[rng.int(leaves.length)]!;
  return { operator: 'debug', parents: [leaf.id], debugDepth: leaf.debugDepth + 1 };
}

/**
 * Steady-state evolution (docs/paper.md §Search): drafts until the initial population exists
 * (valid candidates plus drafts under way), then a crossover of two rank-drawn parents with
 * probability p_c, otherwise a mutation of one. Invalid candidates are never parents; a debug job
 * on one is taken with `debugProbability`.
 */
export function evolutionPolicy(p: ResolvedSearch): SearchPolicy {
  return {
    name: 'evolution',
    propose(view, rng) {
      const ranked = rankCandidates(view.candidates, view.direction);
      const draftsUnderWay = view.inFlight.filter((j) => j.operator === 'draft').length;
      if (ranked.length === 0 || ranked.length + draftsUnderWay < p.initialPopulation) {
        return (ranked.length === 0 && maybeDebug(view, p, rng)) || draft;
      }
      const debug = maybeDebug(view, p, rng);
      if (debug) return debug;
      if (ranked.length >= 2 && rng.next() < p.crossoverProbability) {
        return {
          operator: 'crossover',
          parents: drawByRank(ranked, p.temperature, rng, 2).map((c) => c.id),
          debugDepth: 0,
        };
      }
      return {
        operator: 'mutate',
        parents: drawByRank(ranked, p.temperature, rng, 1).map((c) => c.id),
        debugDepth: 0,
      };
    },
  };
}

/**
 * AIDE-like greedy search (docs/paper.md §Operators): drafts until `numDrafts` drafts exist; then
 * with probability `debugProbability` debugs a random failed leaf under the depth limit; otherwise
 * improves the best candidate.
 */
export function greedyPolicy(p: ResolvedSearch): SearchPolicy {
  return {
    name: 'greedy',
    propose(view, rng) {
      if (view.jobs.filter((j) => j.operator === 'draft').length < p.numDrafts) return draft;
      const debug = maybeDebug(view, p, rng);
      if (debug) return debug;
      const best = rankCandidates(view.candidates, view.direction)[0];
      return best ? { operator: 'improve', parents: [best.id], debugDepth: 0 } : draft;
    },
  };
}

/** Independent drafts on every worker, no shared population (the paper's "No Evo" row, docs/paper.md §Table 1). */
export function bestOfKPolicy(): SearchPolicy {
  return { name: 'best-of-k', propose: () => draft };
}

export function createPolicy(p: ResolvedSearch): SearchPolicy {
  switch (p.policy) {
    case 'evolution':
      return evolutionPolicy(p);
    case 'greedy':
      return greedyPolicy(p);
    case 'best-of-k':
      return bestOfKPolicy();
  }
}
