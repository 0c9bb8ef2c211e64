import { describe, expect, it } from 'vitest';
import { meanSe, rate } from './stats.js';
import { gap, table1Entry, table2Entry, type Observation } from './tables.js';

// Two competitions (A, B) × three seeds, numbers chosen so every statistic can be worked by hand.
const obs: Observation[] = [
  { competition: 'A', seed: 0, percentileRank: 80, medal: 'gold', test: 0.9 },
  { competition: 'A', seed: 1, percentileRank: 60, medal: 'silver', test: 0.8 },
  { competition: 'A', seed: 2, percentileRank: 40, medal: null, test: 0.7 },
  { competition: 'B', seed: 0, percentileRank: 20, medal: 'bronze', test: 12 },
  { competition: 'B', seed: 1, percentileRank: 100, medal: 'gold', test: 3 },
  { competition: 'B', seed: 2, percentileRank: 0, medal: null, test: null },
];

describe('meanSe', () => {
  it('is the mean and the sample SD (ddof 1) over √n', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x − 5)² = 32, SD = √(32/7), SE = SD/√8 = √(32/56) = 0.75593
    const m = meanSe([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(m.n).toBe(8);
    expect(m.mean).toBe(5);
    expect(m.se).toBeCloseTo(Math.sqrt(32 / 56), 12);
    expect(m.se).toBeCloseTo(0.75593, 5);
  });
  it('has no SE below two values and no mean for none', () => {
    expect(meanSe([7])).toEqual({ n: 1, mean: 7, se: null });
    expect(meanSe([])).toEqual({ n: 0, mean: null, se: null });
    expect(rate([])).toBeNull();
    expect(rate([true, false, false, true])).toBe(50);
  });
});

describe('table1Entry', () => {
  const t = table1Entry(obs, ['A', 'B'], [0, 1, 2]);
  it("takes Percentile Rank's ± over all (competition, seed) values, as the paper's Table 1", () => {
    // 80 60 40 20 100 0: mean 50; deviations 30 10 −10 −30 50 −50 → Σ² = 7000; SD = √(7000/5) = 37.4166; SE = 37.4166/√6 = 15.2753
    expect(t.n).toBe(6);
    expect(t.expected).toBe(6);
    expect(t.pr.mean).toBe(50);
    expect(t.pr.se).toBeCloseTo(15.2753, 4);
  });
  it('gives medal rates over all values: Bronze+ = any medal, Silver+ = gold or silver', () => {
    expect(t.medals.bronzePlus).toBeCloseTo((4 / 6) * 100, 10); // gold, silver, bronze, gold
    expect(t.medals.silverPlus).toBe(50); // gold, silver, gold
    expect(t.medals.gold).toBeCloseTo((2 / 6) * 100, 10);
  });
  it('gives them the MLE-bench way too: a percentage per seed, mean ± SE across seeds', () => {
    // Bronze+ per seed: s0 {gold, bronze} 100, s1 {silver, gold} 100, s2 {} 0 → mean 66.667, SD √(6666.67/2) = 57.735, SE 33.333
    expect(t.medalsBySeed.seeds).toEqual([0, 1, 2]);
    expect(t.medalsBySeed.bronzePlus.mean).toBeCloseTo(66.6667, 4);
    expect(t.medalsBySeed.bronzePlus.se).toBeCloseTo(33.3333, 4);
    // Silver+: 50, 100, 0 → mean 50, SD 50, SE 28.8675
    expect(t.medalsBySeed.silverPlus.mean).toBe(50);
    expect(t.medalsBySeed.silverPlus.se).toBeCloseTo(28.8675, 4);
    // Gold: 50, 50, 0 → mean 33.333, SD 28.8675, SE 16.6667
    expect(t.medalsBySeed.gold.mean).toBeCloseTo(33.3333, 4);
    expect(t.medalsBySeed.gold.se).toBeCloseTo(16.6667, 4);
  });
  it('counts only complete seeds the MLE-bench way, every value the paper way', () => {
    const more = [
      ...obs,
      { competition: 'A', seed: 3, percentileRank: 100, medal: 'gold' as const, test: 1 },
    ];
    const u = table1Entry(more, ['A', 'B'], [0, 1, 2, 3]);
    expect(u.n).toBe(7);
    expect(u.expected).toBe(8);
    expect(u.pr.mean).toBeCloseTo(400 / 7, 10);
    expect(u.medals.gold).toBeCloseTo((3 / 7) * 100, 10);
    expect(u.medalsBySeed.seeds).toEqual([0, 1, 2]); // seed 3 lacks B
    expect(u.medalsBySeed.gold.mean).toBeCloseTo(33.3333, 4);
  });
});

describe('table2Entry', () => {
  it('averages one competition over its seeds; the test score only where there is one', () => {
    const b = table2Entry(obs.filter((o) => o.competition === 'B'));
    // PR 20, 100, 0: mean 40; deviations −20 60 −40 → Σ² = 5600; SD = √2800 = 52.915; SE = 30.5505
    expect(b.pr.mean).toBe(40);
    expect(b.pr.se).toBeCloseTo(30.5505, 4);
    // test 12 and 3 (seed 2 has no pick): mean 7.5, SD = √((4.5² + 4.5²)/1) = 6.364, SE = 4.5
    expect(b.test).toEqual({ n: 2, mean: 7.5, se: 4.5 });
    expect(b.medals).toEqual({ gold: 1, silver: 0, bronze: 1, none: 1 });
  });
});

describe('gap', () => {
  it('pairs a variant with the reference on (competition, seed) and compares test scores by direction', () => {
    const other: Observation[] = [
      { competition: 'A', seed: 0, percentileRank: 70, medal: null, test: 0.85 }, // −10, worse (A is maximized)
      { competition: 'A', seed: 1, percentileRank: 60, medal: null, test: 0.8 }, // 0, same
      { competition: 'B', seed: 0, percentileRank: 50, medal: null, test: 5 }, // +30, better (B is minimized: 5 < 12)
      { competition: 'B', seed: 2, percentileRank: 10, medal: null, test: 4 }, // +10, reference has no pick
      { competition: 'C', seed: 0, percentileRank: 99, medal: null, test: 1 }, // no partner: left out
    ];
    const g = gap(
      other,
      obs,
      new Map([
        ['A', 'maximize'],
        ['B', 'minimize'],
      ]),
    );
    // differences −10, 0, 30, 10: mean 7.5; deviations −17.5 −7.5 22.5 2.5 → Σ² = 875; SD = √(875/3) = 17.078; SE = 8.5391
    expect(g.pr.n).toBe(4);
    expect(g.pr.mean).toBe(7.5);
    expect(g.pr.se).toBeCloseTo(8.5391, 4);
    expect(g.test).toEqual({ better: 1, same: 1, worse: 1, missing: 1 });
  });
});
