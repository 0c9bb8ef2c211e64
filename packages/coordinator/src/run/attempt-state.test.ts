import { describe, expect, it } from 'vitest';
import { AttemptLifecycle, type AttemptPhase } from './attempt-state.js';

const PHASES: AttemptPhase[] = ['starting', 'running', 'submitted', 'cancelled', 'abandoned'];
const ALLOWED: Record<AttemptPhase, AttemptPhase[]> = {
  starting: ['running', 'submitted', 'cancelled', 'abandoned'],
  running: ['submitted', 'cancelled', 'abandoned'],
  submitted: [],
  cancelled: [],
  abandoned: [],
};

/** An attempt brought to `phase` by allowed moves. */
function at(phase: AttemptPhase): AttemptLifecycle {
  const a = new AttemptLifecycle('j0001 attempt 1');
  if (phase === 'starting') return a;
  a.to('running');
  if (phase !== 'running') a.to(phase);
  return a;
}

describe("an attempt's state table", () => {
  it('starts in starting, counts and is active', () => {
    const a = new AttemptLifecycle('j0001 attempt 1');
    expect(a.phase).toBe('starting');
    expect(a.counts).toBe(true);
    expect(a.active).toBe(true);
  });

  it('allows exactly the moves of the table; every other move throws and leaves the phase', () => {
    for (const from of PHASES)
      for (const to of PHASES) {
        const a = at(from);
        if (ALLOWED[from].includes(to)) {
          a.to(to);
          expect(a.phase).toBe(to);
        } else {
          expect(() => a.to(to), `${from} → ${to}`).toThrow(
            `attempt j0001 attempt 1: ${from} cannot become ${to}`,
          );
          expect(a.phase).toBe(from);
        }
      }
  });

  it('an abandoned attempt no longer counts; only starting and running hold a slot', () => {
    const a = at('running');
    a.to('abandoned');
    expect(a.counts).toBe(false);
    expect(a.active).toBe(false);
    expect(() => a.to('submitted')).toThrow(/abandoned cannot become submitted/);
    const s = at('submitted');
    expect(s.counts).toBe(true);
    expect(s.active).toBe(false);
    expect(() => s.to('abandoned')).toThrow(/submitted cannot become abandoned/);
    expect(() => at('cancelled').to('running')).toThrow(/cancelled cannot become running/);
  });
});
