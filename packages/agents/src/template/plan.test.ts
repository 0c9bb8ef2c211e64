import { describe, expect, it } from 'vitest';
import type { Job, ParentView } from '@aira/coordinator';
import { diffChoices } from './choices.js';
import type { DataLayout } from './layout.js';
import { planJob } from './plan.js';
import { parseHeader, renderScript } from './render.js';
import { spaceFor, type Choices } from './space.js';

const layout: DataLayout = {
  modality: 'tabular',
  task: 'classification',
  metric: 'roc_auc',
  train: 'train.csv',
  ids: ['id'],
  label: 'y',
  prediction: { kind: 'probability', columns: ['y'] },
  splits: [{ split: 'search', input: 'search.csv', output: 'search.csv' }],
};
const space = spaceFor('tabular', 'classification');

function parent(id: string, choices: Choices, extra: Partial<ParentView> = {}): ParentView {
  return {
    id,
    operator: 'draft',
    code: renderScript({ template: space.template, choices, layout, origin: [] }),
    valid: true,
    searchScore: 0.9,
    output: '',
    ...extra,
  };
}

function job(operator: Job['spec']['operator'], index: number, seed: number, parents: ParentView[]): Job {
  return {
    spec: {
      id: `j${index}`,
      index,
      operator,
      parents: parents.map((p) => p.id),
      seed,
      debugDepth: operator === 'debug' ? 1 : 0,
    },
    runId: 'r',
    attempt: 1,
    parents,
    task: { competition: null, direction: 'maximize' },
  };
}

describe("planning a job from its operator and its parents' code", () => {
  it('makes the baseline the first draft and draws later drafts from the job seed', () => {
    expect(planJob(job('draft', 1, 77, []), space).choices).toEqual(space.baseline);
    const a = planJob(job('draft', 2, 77, []), space);
    expect(planJob(job('draft', 2, 77, []), space)).toEqual(a);
    expect(planJob(job('draft', 2, 78, []), space).choices).not.toEqual(a.choices);
  });

  it("mutates the choices found in the parent's header, the same way every time", () => {
    const p = parent('c0003', { ...space.baseline, 'logreg.C': 10 });
    const plan = planJob(job('mutate', 5, 11, [p]), space);
    expect(plan.applied).toBe('mutate');
    expect(plan).toEqual(planJob(job('mutate', 5, 11, [p]), space));
    expect(plan.changes).toEqual(diffChoices(parseHeader(p.code)!.choices, plan.choices));
    expect(plan.origin.join('\n')).toMatch(/mutation of c0003/);
  });

  it('crosses two parents over and debugs a crashed one by the choice its traceback names', () => {
    const a = parent('c0001', space.baseline);
    const b = parent('c0002', {
      ...space.baseline,
      model: 'knn',
      'knn.n_neighbors': 5,
      'knn.weights': 'uniform',
      'knn.metric': 'cosine',
      'knn.algorithm': 'kd_tree',
      scale: 'robust',
    });
    const x = planJob(job('crossover', 6, 3, [a, b]), space);
    expect(x.applied).toBe('crossover');
    const parents = { a: parseHeader(a.code)!.choices, b: parseHeader(b.code)!.choices };
    for (const [k, v] of Object.entries(x.choices)) {
      const from = x.from![k]!;
      if (from === 'drawn') expect(k in parents.a || k in parents.b).toBe(false);
      else expect(v).toEqual(parents[from][k]);
    }

    const crashed = {
      ...b,
      valid: false,
      searchScore: null,
      reason:
        "solution.py exited with code 1\nTraceback (most recent call last):\nValueError: Metric 'cosine' not valid. Use sorted(sklearn.neighbors.VALID_METRICS['kd_tree']) to get valid options.",
    };
    const d = planJob(job('debug', 7, 5, [crashed]), space);
    expect(d.applied).toBe('debug');
    // This parent pairs cosine with a kd-tree, which the space never draws: its search is
    // dropped (scikit-learn's "auto"), so the traceback's other choice, the metric, is the one blamed.
    expect(d.blamed!.sort()).toEqual(['knn.metric']);
    expect(d.changes.filter((c) => c.from !== undefined && c.to !== undefined).map((c) => c.key)).toEqual([
      'knn.metric',
    ]);
  });

  it('drafts when the parent was not written by this template', () => {
    const foreign = { ...parent('c0009', space.baseline), code: 'print("score: 1")\n' };
    const plan = planJob(job('mutate', 4, 1, [foreign]), space);
    expect(plan.applied).toBe('draft');
    expect(plan.origin[0]).toMatch(/has no tabular-classification header/);
  });
});
