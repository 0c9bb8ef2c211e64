import { describe, expect, it } from 'vitest';
import { detailsOf, HceDetails } from './details.js';

const details: HceDetails = {
  direction: 'minimize',
  hce: { key: 'k', splitSeed: 0 },
  search: { score: 0.5, valid: true },
  validation: { score: null, valid: false, reason: 'no submission/validation.csv was written' },
  test: {
    score: 0.4,
    valid: true,
    percentileRank: 80,
    medal: 'silver',
    aboveMedian: true,
    leaderboard: { kind: 'mlebench', file: '/x.csv', exact: true },
  },
  protection: { sandbox: 'bubblewrap', protected: true },
};

describe("a candidate's HCE details", () => {
  it('read back as written', () => {
    expect(HceDetails.parse(details)).toEqual(details);
    expect(detailsOf({ valid: true, search: 0.5, details })).toEqual(details);
  });

  it('read part by part: what does not match is left out, the rest kept', () => {
    const odd = {
      direction: 'sideways',
      test: { percentileRank: 12, medal: 'tin', leaderboard: { kind: 'file' } },
      protection: { sandbox: 'none', protected: false },
    };
    expect(detailsOf({ valid: true, search: 1, details: odd })).toEqual({
      test: { percentileRank: 12, leaderboard: { kind: 'file' } },
      protection: { sandbox: 'none', protected: false },
    });
    expect(detailsOf({ valid: false, search: null })).toEqual({});
  });
});
