import type { Rng } from '@aira/coordinator';
import type { Choices, Param, Space, Value } from './space.js';

/** One choice that differs from a parent's. */
export interface Change {
  key: string;
  from: Value | undefined;
  to: Value | undefined;
}

const same = (a: Value | undefined, b: Value | undefined) => a === b;

function draw(p: Param, rng: Rng): Value {
  const w = p.weights ?? p.values.map(() => 1);
  let u = rng.next() * w.reduce((s, x) => s + x, 0);
  for (let i = 0; i < p.values.length; i++) {
    u -= w[i]!;
    if (u < 0) return p.values[i]!;
  }
  return p.values[p.values.length - 1]!;
}

/**
 * Walks the space in order keeping each active param's value from `base` when it is one of the
 * param's values, drawing it otherwise (from its draft values where it has them, so a mutation that
 * switches the model tries the new family with settings known to work, not e.g. an SVM at C=0.1),
 * and dropping params that are not active: the one place that turns any partial or stale set of
 * choices into a complete, consistent one.
 */
export function complete(space: Space, base: Choices, rng: Rng): Choices {
  const out: Choices = {};
  for (const p of space.params) {
    if (p.when && !p.when(out)) continue;
    const v = base[p.key];
    out[p.key] = v !== undefined && p.values.some((x) => same(x, v)) ? v : drawNew(p, rng);
  }
  return out;
}

/** A value for a param that just became active: one of its draft values, else any. */
function drawNew(p: Param, rng: Rng): Value {
  return p.draft && p.draft.length > 0 ? rng.pick(p.draft) : draw(p, rng);
}

/**
 * A draft: every choice drawn from the space, each setting from its draft values where it has them
 * (settings known to work, so a draft gives its model family a fair first try).
 */
export function sampleChoices(space: Space, rng: Rng): Choices {
  const out: Choices = {};
  for (const p of space.params) {
    if (p.when && !p.when(out)) continue;
    out[p.key] = drawNew(p, rng);
  }
  return out;
}

/** A different value for one param: a neighbour for ordered params (mostly), else any other value. */
function otherValue(p: Param, current: Value | undefined, rng: Rng): Value {
  const i = p.values.findIndex((x) => same(x, current));
  if (p.ordered && i >= 0 && rng.next() < 0.75) {
    const steps = [i - 1, i + 1].filter((j) => j >= 0 && j < p.values.length);
    return p.values[rng.pick(steps)]!;
  }
  const others = p.values.filter((x) => !same(x, current));
  return others.length > 0 ? rng.pick(others) : p.values[0]!;
}

function activeParams(space: Space, choices: Choices): Param[] {
  return space.params.filter((p) => p.key in choices && p.values.length > 1);
}

/**
 * A mutation: one choice changed (often), two (sometimes) or three (rarely). Switching the model
 * is weighted up, so a parent stuck in a weak model family can leave it.
 */
export function mutateChoices(
  space: Space,
  parent: Choices,
  rng: Rng,
): { choices: Choices; changes: Change[] } {
  const base = complete(space, parent, rng);
  const u = rng.next();
  const count = u < 0.6 ? 1 : u < 0.9 ? 2 : 3;
  let next = { ...base };
  const touched = new Set<string>();
  for (let n = 0; n < count; n++) {
    const candidates = activeParams(space, next).filter((p) => !touched.has(p.key));
    if (candidates.length === 0) break;
    // The model is drawn as often as about four settings together: families differ far more than
    // the settings of one (letter recognition: a linear model ~0.75, trees or kernels ~0.95).
    const weights = candidates.map((p) => (p.key === 'model' ? 4 : 1));
    let r = rng.next() * weights.reduce((s, x) => s + x, 0);
    let p = candidates[candidates.length - 1]!;
    for (let i = 0; i < candidates.length; i++) {
      r -= weights[i]!;
      if (r < 0) {
        p = candidates[i]!;
        break;
      }
    }
    touched.add(p.key);
    next[p.key] = otherValue(p, next[p.key], rng);
    next = complete(space, next, rng);
  }
  return { choices: next, changes: diffChoices(base, next) };
}

/**
 * A crossover: each choice from one parent or the other (uniform), walked in space order so a
 * model's settings come from a parent that has that model; anything neither has is drawn.
 */
export function crossoverChoices(
  space: Space,
  a: Choices,
  b: Choices,
  rng: Rng,
): { choices: Choices; from: Record<string, 'a' | 'b' | 'drawn'> } {
  const out: Choices = {};
  const from: Record<string, 'a' | 'b' | 'drawn'> = {};
  for (const p of space.params) {
    if (p.when && !p.when(out)) continue;
    const ok = (v: Value | undefined) => v !== undefined && p.values.some((x) => same(x, v));
    const va = a[p.key];
    const vb = b[p.key];
    if (ok(va) && ok(vb)) {
      const pickA = rng.next() < 0.5;
      out[p.key] = (pickA ? va : vb)!;
      from[p.key] = pickA ? 'a' : 'b';
    } else if (ok(va) || ok(vb)) {
      out[p.key] = (ok(va) ? va : vb)!;
      from[p.key] = ok(va) ? 'a' : 'b';
    } else {
      out[p.key] = draw(p, rng);
      from[p.key] = 'drawn';
    }
  }
  return { choices: out, from };
}

/** Choices that differ between two sets (added, removed or changed), in key order. */
export function diffChoices(before: Choices, after: Choices): Change[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((k) => !same(before[k], after[k]))
    .map((k) => ({ key: k, from: before[k], to: after[k] }));
}

function mentions(text: string, v: Value): boolean {
  if (v === null || typeof v === 'boolean') return false;
  const s = String(v);
  if (s.length < 2 && typeof v === 'string') return false;
  const esc = s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w.])${esc}(?![\\w]|\\.\\d)`).test(text);
}

/**
 * A debug step without a model: the choices whose values the error message names (e.g.
 * "Solver lbfgs supports only 'l2'… got l1 penalty") are the suspects; one of them is changed.
 * When the message names none, it is a plain mutation.
 */
export function debugChoices(
  space: Space,
  parent: Choices,
  error: string,
  rng: Rng,
): { choices: Choices; changes: Change[]; blamed: string[] } {
  const base = complete(space, parent, rng);
  const lastLine = error
    .trimEnd()
    .split('\n')
    .filter((l) => /\w/.test(l))
    .slice(-3)
    .join('\n');
  const blamed = activeParams(space, base)
    .filter((p) => p.key !== 'model' && mentions(lastLine, base[p.key]!))
    .map((p) => p.key);
  if (blamed.length === 0) return { ...mutateChoices(space, parent, rng), blamed };
  const key = rng.pick(blamed);
  const p = space.params.find((x) => x.key === key)!;
  const next = complete(
    space,
    { ...base, [key]: rng.pick(p.values.filter((x) => !same(x, base[key]))) },
    rng,
  );
  return { choices: next, changes: diffChoices(base, next), blamed };
}
