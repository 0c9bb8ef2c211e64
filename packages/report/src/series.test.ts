import { finalPick, type CandidateRecord } from '@aira/coordinator';
import { describe, expect, it } from 'vitest';
import { scoreSeries } from './series.js';

/** Candidates with ties, invalid ones, missing validation scores and shared add times. */
function candidates(n: number, seed: number): CandidateRecord[] {
  let x = seed;
  const r = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: n }, (_, i) => {
    const search = Math.round(r() * 20) / 20;
    const validation = i < n / 3 ? undefined : Math.round(r() * 20) / 20;
    return {
      id: `c${i}`,
      scores: { valid: r() > 0.2, search, validation, test: r() },
      timings: { activeMs: Math.floor(i / 2) * 100 },
    } as unknown as CandidateRecord;
  });
}

describe('scoreSeries', () => {
  it.each([1, 2, 3])(
    'gives the pick finalPick makes over the candidates added by each time (seed %i)',
    (seed) => {
      for (const direction of ['maximize', 'minimize'] as const) {
        const cs = candidates(60, seed);
        const series = scoreSeries(cs, direction, 10_000);
        const expected: number[] = [];
        for (const t of [...new Set(cs.map((c) => c.timings.activeMs))]) {
          const p = finalPick(cs, direction, t);
          const v = p ? (cs.find((c) => c.id === p.candidateId)!.scores.validation ?? null) : null;
          if (typeof v === 'number' && expected[expected.length - 1] !== v) expected.push(v);
        }
        expect(series.validation.slice(0, -1).map((p) => p.score)).toEqual(expected);
      }
    },
  );
});
