import { rngFor, type Job } from '@aira/coordinator';
import { crossoverChoices, debugChoices, mutateChoices, sampleChoices, type Change } from './choices.js';
import { parseHeader } from './render.js';
import type { Choices, Space } from './space.js';

/** What a job decided: its choices, and in words how they came about (for the script and the journal). */
export interface JobPlan {
  choices: Choices;
  /** The operator actually applied (a mutation of a parent without a template header is a draft). */
  applied: 'draft' | 'mutate' | 'crossover' | 'debug';
  changes: Change[];
  /** Comment lines for the script's header. */
  origin: string[];
  /** Debug: the choices the error message named. */
  blamed?: string[];
  /** Crossover: which parent each choice came from. */
  from?: Record<string, 'a' | 'b' | 'drawn'>;
}

const fmt = (c: Change) => `${c.key} ${String(c.from ?? '-')} -> ${String(c.to ?? '-')}`;

/**
 * Applies the job's operator to its parents' choices, reading them from each parent's header.
 * Every draw comes from the job's seed, so the same job plans the same script again (on resume).
 */
export function planJob(job: Job, space: Space): JobPlan {
  const { operator, seed, id } = job.spec;
  const rng = rngFor(seed, 'template', operator);
  const headed = job.parents
    .map((p) => ({ parent: p, header: parseHeader(p.code) }))
    .filter((x) => x.header?.template === space.template);
  const draft = (why?: string): JobPlan => ({
    choices: sampleChoices(space, rng),
    applied: 'draft',
    changes: [],
    origin: [`Job ${id}: a draft (seed ${seed})${why ? `; ${why}` : ''}.`],
  });
  if ((operator === 'draft' || job.parents.length === 0) && job.spec.index === 1) {
    return {
      choices: { ...space.baseline },
      applied: 'draft',
      changes: [],
      origin: [`Job ${id}: the ${space.template} baseline (every run's first draft).`],
    };
  }
  if (operator === 'draft' || job.parents.length === 0) return draft();
  if (headed.length === 0)
    return draft(
      `its parent${job.parents.length > 1 ? 's have' : ' has'} no ${space.template} header to build on`,
    );

  if (operator === 'crossover' && headed.length >= 2) {
    const [a, b] = headed as [(typeof headed)[0], (typeof headed)[0]];
    const { choices, from } = crossoverChoices(space, a.header!.choices, b.header!.choices, rng);
    const fromB = Object.entries(from)
      .filter(([, s]) => s === 'b')
      .map(([k]) => k);
    return {
      choices,
      applied: 'crossover',
      changes: [],
      from,
      origin: [
        `Job ${id}: a crossover of ${a.parent.id} and ${b.parent.id} (seed ${seed}).`,
        `From ${b.parent.id}: ${fromB.join(', ') || 'nothing'}; the rest from ${a.parent.id}.`,
      ],
    };
  }
  const { parent, header } = headed[0]!;
  if (operator === 'debug') {
    const error = [parent.reason ?? '', parent.output].join('\n');
    const { choices, changes, blamed } = debugChoices(space, header!.choices, error, rng);
    return {
      choices,
      applied: 'debug',
      changes,
      blamed,
      origin: [
        `Job ${id}: a debug of ${parent.id} (seed ${seed}); ${blamed.length ? `its error names ${blamed.join(', ')}` : 'its error names no choice, so one is changed at random'}.`,
        `Changed: ${changes.map(fmt).join('; ') || 'nothing'}.`,
      ],
    };
  }
  const { choices, changes } = mutateChoices(space, header!.choices, rng);
  return {
    choices,
    applied: 'mutate',
    changes,
    origin: [
      `Job ${id}: a mutation of ${parent.id} (seed ${seed}; search score ${parent.searchScore ?? 'none'}).`,
      `Changed: ${changes.map(fmt).join('; ')}.`,
    ],
  };
}
