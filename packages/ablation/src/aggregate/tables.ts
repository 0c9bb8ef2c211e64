import { meanSe, rate, type MeanSe } from './stats.js';
import type { Medal } from './cells.js';

/** One (competition, seed) value of a variant at a checkpoint. */
export interface Observation {
  competition: string;
  seed: number;
  /** Percentile Rank of the pick's test score, 0–100 (0 with no pick: docs/mlebench-grading.md §Percentile rank). */
  percentileRank: number;
  medal: Medal | null;
  test: number | null;
}

/** Bronze+ (any medal), Silver+ (gold or silver) and Gold rates in %. */
export interface MedalRates {
  bronzePlus: number | null;
  silverPlus: number | null;
  gold: number | null;
}

/** The same rates the MLE-bench way: a percentage per seed, then mean ± SE across seeds. */
export interface MedalRatesBySeed {
  /** Seeds with a value for every competition (MLE-bench's aggregator uses complete seeds only). */
  seeds: number[];
  bronzePlus: MeanSe;
  silverPlus: MeanSe;
  gold: MeanSe;
}

export interface Table1Entry {
  /** Values counted, and the number the matrix has at this checkpoint (competitions × seeds). */
  n: number;
  expected: number;
  /** Mean Percentile Rank ± SE over all (competition, seed) values, as the paper's Table 1 (docs/paper.md §Metrics). */
  pr: MeanSe;
  /** Medal rates over all (competition, seed) values, as the paper gives them. */
  medals: MedalRates;
  /** MLE-bench's way (docs/mlebench-grading.md §Aggregates): per-seed percentage over the competitions, SE across seeds. */
  medalsBySeed: MedalRatesBySeed;
}

const bronzePlus = (m: Medal | null) => m !== null;
const silverPlus = (m: Medal | null) => m === 'gold' || m === 'silver';
const gold = (m: Medal | null) => m === 'gold';

/** A Table 1 entry (one variant at one checkpoint) from its observations. */
export function table1Entry(
  obs: readonly Observation[],
  competitions: readonly string[],
  seeds: readonly number[],
): Table1Entry {
  const complete = seeds.filter((s) =>
    competitions.every((c) => obs.some((o) => o.seed === s && o.competition === c)),
  );
  // Per seed: count / number of competitions × 100 (MLE-bench's aggregate_grading_reports.py).
  const perSeed = (flag: (m: Medal | null) => boolean) =>
    meanSe(
      complete.map(
        (s) =>
          (100 *
            obs.filter((o) => o.seed === s && competitions.includes(o.competition) && flag(o.medal)).length) /
          competitions.length,
      ),
    );
  return {
    n: obs.length,
    expected: competitions.length * seeds.length,
    pr: meanSe(obs.map((o) => o.percentileRank)),
    medals: {
      bronzePlus: rate(obs.map((o) => bronzePlus(o.medal))),
      silverPlus: rate(obs.map((o) => silverPlus(o.medal))),
      gold: rate(obs.map((o) => gold(o.medal))),
    },
    medalsBySeed: {
      seeds: complete,
      bronzePlus: perSeed(bronzePlus),
      silverPlus: perSeed(silverPlus),
      gold: perSeed(gold),
    },
  };
}

export interface Table2Entry {
  /** Percentile Rank over the seeds: mean ± SE. */
  pr: MeanSe;
  /** Test score of the pick over the seeds that have one: mean ± SE. */
  test: MeanSe;
  medals: { gold: number; silver: number; bronze: number; none: number };
}

/** A Table 2 entry (one variant, one competition, one checkpoint) from that competition's observations. */
export function table2Entry(obs: readonly Observation[]): Table2Entry {
  const count = (m: Medal) => obs.filter((o) => o.medal === m).length;
  return {
    pr: meanSe(obs.map((o) => o.percentileRank)),
    test: meanSe(obs.flatMap((o) => (o.test === null ? [] : [o.test]))),
    medals: {
      gold: count('gold'),
      silver: count('silver'),
      bronze: count('bronze'),
      none: obs.filter((o) => o.medal === null).length,
    },
  };
}

/** A variant against the reference variant on the same (competition, seed) pairs. */
export interface Gap {
  /** Paired differences of Percentile Rank (variant − reference): mean ± SE. */
  pr: MeanSe;
  /** Pairs where the variant's test score is better / equal / worse (by the competition's direction); pairs where either has no pick are counted apart. */
  test: { better: number; same: number; worse: number; missing: number };
}

export function gap(
  variant: readonly Observation[],
  reference: readonly Observation[],
  directions: ReadonlyMap<string, 'maximize' | 'minimize'>,
): Gap {
  const key = (o: Observation) => `${o.competition}\u0000${o.seed}`;
  const ref = new Map(reference.map((o) => [key(o), o]));
  const diffs: number[] = [];
  const test = { better: 0, same: 0, worse: 0, missing: 0 };
  for (const o of variant) {
    const r = ref.get(key(o));
    if (!r) continue;
    diffs.push(o.percentileRank - r.percentileRank);
    if (o.test === null || r.test === null) {
      test.missing++;
      continue;
    }
    const sign = directions.get(o.competition) === 'minimize' ? -1 : 1;
    const d = sign * (o.test - r.test);
    if (d > 0) test.better++;
    else if (d < 0) test.worse++;
    else test.same++;
  }
  return { pr: meanSe(diffs), test };
}
