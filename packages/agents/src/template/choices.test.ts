import { describe, expect, it } from 'vitest';
import {
  complete,
  crossoverChoices,
  debugChoices,
  diffChoices,
  mutateChoices,
  sampleChoices,
} from './choices.js';
import { rngFor } from '@aira/coordinator';
import { spaceFor, type Choices, type Space } from './space.js';
import { modelExpression } from './models.js';
import { Imports } from './python.js';

const spaces: Space[] = (['tabular', 'text', 'image'] as const).flatMap((m) =>
  (['classification', 'regression'] as const).map((t) => spaceFor(m, t)),
);
const tabular = spaceFor('tabular', 'classification');

/** Every active param has one of its values, and nothing inactive is set. */
function expectConsistent(space: Space, c: Choices): void {
  const seen: Choices = {};
  for (const p of space.params) {
    if (p.when && !p.when(seen)) {
      expect(c, `${p.key} is inactive`).not.toHaveProperty(p.key);
      continue;
    }
    expect(p.values, `${p.key} = ${String(c[p.key])}`).toContain(c[p.key]);
    seen[p.key] = c[p.key]!;
  }
  expect(Object.keys(c).sort()).toEqual(Object.keys(seen).sort());
}

describe('sampling', () => {
  it('draws the same choices from the same seed and different ones across seeds', () => {
    for (const space of spaces) {
      const a = sampleChoices(space, rngFor(42, 'draft'));
      expect(sampleChoices(space, rngFor(42, 'draft'))).toEqual(a);
      expectConsistent(space, a);
      const distinct = new Set(
        Array.from({ length: 30 }, (_, s) => JSON.stringify(sampleChoices(space, rngFor(s, 'draft')))),
      );
      // Image drafts draw from fewer values (unit pixels, PCA 30 or 60), so repeats are likelier there.
      expect(distinct.size, space.template).toBeGreaterThanOrEqual(
        space.template.startsWith('image') ? 20 : 28,
      );
    }
  });

  it('uses every model of a template over many seeds', () => {
    for (const space of spaces) {
      const models = new Set(Array.from({ length: 300 }, (_, s) => sampleChoices(space, rngFor(s)).model));
      expect([...models].sort()).toEqual([...space.params.find((p) => p.key === 'model')!.values].sort());
    }
  });

  it('drafts settings from their draft values, and mutations reach the other values', () => {
    const rf = tabular.params.find((p) => p.key === 'random_forest.max_depth')!;
    const drafts = Array.from({ length: 300 }, (_, s) => sampleChoices(tabular, rngFor(s, 'draft')));
    for (const d of drafts)
      for (const p of tabular.params) if (p.draft && p.key in d) expect(p.draft, p.key).toContain(d[p.key]);
    expect(
      new Set(drafts.filter((d) => d.model === 'random_forest').map((d) => d['random_forest.max_depth'])),
    ).toEqual(new Set(rf.draft));
    const parent = drafts.find((d) => d.model === 'random_forest')!;
    const reached = new Set(
      Array.from(
        { length: 300 },
        (_, s) => mutateChoices(tabular, parent, rngFor(s, 'm')).choices['random_forest.max_depth'],
      ),
    );
    expect([...reached].filter((v) => v !== undefined && !rf.draft!.includes(v)).length).toBeGreaterThan(0);
  });

  it('has a consistent baseline for every template', () => {
    for (const space of spaces) expectConsistent(space, space.baseline);
  });

  it('gives a model that just became active its draft settings (a switch tries the family fairly)', () => {
    for (const space of spaces) {
      const models = space.params.find((p) => p.key === 'model')!.values;
      for (const model of models)
        for (let seed = 0; seed < 20; seed++) {
          const c = complete(space, { ...space.baseline, model }, rngFor(seed, 'switch'));
          for (const p of space.params)
            if (p.key.startsWith(`${String(model)}.`) && p.draft && p.key in c && !(p.key in space.baseline))
              expect(p.draft, `${space.template} ${p.key}`).toContain(c[p.key]);
        }
    }
  });

  it('completes stale choices: unknown values are redrawn, inactive ones dropped', () => {
    const c = complete(
      tabular,
      { model: 'knn', 'knn.n_neighbors': 7, 'logreg.C': 1, scale: 'standard' },
      rngFor(1),
    );
    expectConsistent(tabular, c);
    expect(c.scale).toBe('standard');
    expect(c).not.toHaveProperty('logreg.C');
    expect([3, 5, 10, 20, 40]).toContain(c['knn.n_neighbors']);
  });
});

describe('mutation', () => {
  it('is deterministic, leaves the parent alone and changes at least one choice', () => {
    for (const space of spaces) {
      for (let s = 0; s < 40; s++) {
        const parent = sampleChoices(space, rngFor(s, 'p'));
        const copy = { ...parent };
        const a = mutateChoices(space, parent, rngFor(s, 'm'));
        expect(mutateChoices(space, parent, rngFor(s, 'm'))).toEqual(a);
        expect(parent).toEqual(copy);
        expectConsistent(space, a.choices);
        expect(a.changes.length).toBeGreaterThan(0);
        expect(a.changes).toEqual(diffChoices(parent, a.choices));
      }
    }
  });

  it('changes one to three choices unless the model switches (its settings then change with it)', () => {
    for (let s = 0; s < 200; s++) {
      const parent = sampleChoices(tabular, rngFor(s, 'p'));
      const { choices, changes } = mutateChoices(tabular, parent, rngFor(s, 'm'));
      // A setting that appears or goes with another (kNN's search with its metric) is not counted.
      const changed = changes.filter((c) => c.from !== undefined && c.to !== undefined);
      if (choices.model === parent.model) expect(changed.length).toBeLessThanOrEqual(3);
    }
  });

  it("never pairs kNN's cosine distance with a tree search (scikit-learn refuses it)", () => {
    for (let s = 0; s < 300; s++) {
      const c = sampleChoices(tabular, rngFor(s, 'knn'));
      const m = mutateChoices(tabular, { ...c, model: 'knn' }, rngFor(s, 'm')).choices;
      for (const x of [c, m])
        if (x['knn.metric'] === 'cosine') expect(['kd_tree', 'ball_tree']).not.toContain(x['knn.algorithm']);
    }
    const stale = complete(
      tabular,
      { ...tabular.baseline, model: 'knn', 'knn.metric': 'cosine', 'knn.algorithm': 'ball_tree' },
      rngFor(1),
    );
    expect(stale['knn.algorithm']).toBeUndefined();
    // Without a drawn search the script asks scikit-learn for "auto" (never algorithm=None).
    const code = modelExpression(stale, 'classification', 'label', new Imports());
    expect(code).toContain('metric="cosine"');
    expect(code).toContain('algorithm="auto"');
  });

  it('mostly steps ordered values to a neighbour', () => {
    const parent = { ...tabular.baseline, model: 'random_forest' };
    const full = complete(tabular, { ...parent, 'random_forest.n_estimators': 100 }, rngFor(0));
    let steps = 0;
    let jumps = 0;
    for (let s = 0; s < 400; s++) {
      const { changes } = mutateChoices(tabular, full, rngFor(s, 'm'));
      const c = changes.find((x) => x.key === 'random_forest.n_estimators');
      if (!c || c.to === undefined) continue; // the model switched
      if (c.to === 50 || c.to === 200) steps++;
      else jumps++;
    }
    expect(steps).toBeGreaterThan(jumps * 3);
  });
});

describe('crossover', () => {
  it('takes every choice from one parent or the other, deterministically', () => {
    for (const space of spaces) {
      for (let s = 0; s < 40; s++) {
        const a = sampleChoices(space, rngFor(s, 'a'));
        const b = sampleChoices(space, rngFor(s, 'b'));
        const x = crossoverChoices(space, a, b, rngFor(s, 'x'));
        expect(crossoverChoices(space, a, b, rngFor(s, 'x'))).toEqual(x);
        expectConsistent(space, x.choices);
        for (const [k, v] of Object.entries(x.choices)) {
          if (x.from[k] === 'a') expect(v).toEqual(a[k]);
          else if (x.from[k] === 'b') expect(v).toEqual(b[k]);
          else expect(k in a || k in b).toBe(false);
        }
      }
    }
  });

  it('of a parent with itself is that parent', () => {
    const a = sampleChoices(tabular, rngFor(3));
    expect(crossoverChoices(tabular, a, a, rngFor(9)).choices).toEqual(a);
  });

  it('mixes both parents over many draws', () => {
    const a = { ...tabular.baseline };
    const b = complete(
      tabular,
      { ...a, impute: 'mean', scale: 'robust', categorical: 'ordinal', refit: false },
      rngFor(0),
    );
    const mixed = Array.from(
      { length: 50 },
      (_, s) => crossoverChoices(tabular, a, b, rngFor(s)).choices,
    ).filter((c) => diffChoices(c, a).length > 0 && diffChoices(c, b).length > 0);
    expect(mixed.length).toBeGreaterThan(30);
  });
});

describe('combinations', () => {
  /** Pairs scikit-learn refuses: lbfgs with an l1 penalty; a Poisson loss on a standardized target. */
  const invalid = (c: Choices) =>
    (c['logreg.solver'] === 'lbfgs' && c['logreg.penalty'] === 'l1') ||
    (c.target === 'standardize' &&
      ['random_forest.criterion', 'extra_trees.criterion', 'hist_gb.loss'].some((k) => c[k] === 'poisson'));

  it('never drafts, mutates or crosses into a combination scikit-learn refuses', () => {
    let checked = 0;
    for (const space of spaces) {
      for (let s = 0; s < 150; s++) {
        const a = sampleChoices(space, rngFor(s, 'a'));
        const b = sampleChoices(space, rngFor(s, 'b'));
        for (const c of [
          a,
          mutateChoices(space, a, rngFor(s, 'm')).choices,
          crossoverChoices(space, a, b, rngFor(s, 'x')).choices,
        ]) {
          expect(invalid(c), JSON.stringify(c)).toBe(false);
          expectConsistent(space, c);
          checked++;
        }
      }
    }
    expect(checked).toBe(spaces.length * 450);
  });

  it('switches the model in about a quarter of the mutations, so a weak family is left behind', () => {
    const switched = Array.from(
      { length: 400 },
      (_, s) => mutateChoices(tabular, tabular.baseline, rngFor(s)).choices.model !== tabular.baseline.model,
    ).filter(Boolean).length;
    expect(switched / 400).toBeGreaterThan(0.2);
    expect(switched / 400).toBeLessThan(0.6);
  });
});

describe('debug', () => {
  it('changes a choice the error names', () => {
    const parent = complete(
      tabular,
      { ...tabular.baseline, 'logreg.penalty': 'l1', 'logreg.solver': 'saga' },
      rngFor(0),
    );
    const error =
      'Traceback (most recent call last):\n  ...\nValueError: Solver saga with an l1 penalty: Input X contains NaN.';
    for (let s = 0; s < 20; s++) {
      const d = debugChoices(tabular, parent, error, rngFor(s));
      expect(d.blamed.sort()).toEqual(['logreg.penalty', 'logreg.solver']);
      // One blamed choice changes; a solver switch to lbfgs also drops the penalty it has no choice of.
      const changed = d.changes.filter((c) => d.blamed.includes(c.key) && c.to !== undefined);
      expect(changed).toHaveLength(1);
      for (const c of d.changes.filter((x) => !changed.includes(x)))
        expect(c).toEqual({ key: 'logreg.penalty', from: 'l1', to: undefined });
    }
  });

  it('blames a numeric choice only as a whole word', () => {
    const parent = complete(tabular, { ...tabular.baseline, select: 20 }, rngFor(0));
    const d = debugChoices(
      tabular,
      parent,
      "ValueError: k should be <= n_features = 10; got 20. Use k='all'",
      rngFor(1),
    );
    expect(d.blamed).toEqual(['select']);
    expect(d.choices.select).not.toBe(20);
  });

  it('falls back to a mutation when the error names no choice', () => {
    const parent = sampleChoices(tabular, rngFor(5));
    const d = debugChoices(tabular, parent, 'MemoryError', rngFor(2));
    expect(d.blamed).toEqual([]);
    expect(d.changes.length).toBeGreaterThan(0);
  });
});
