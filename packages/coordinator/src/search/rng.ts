import { rngFor } from '@aira/core';

export { rngFor, type Rng } from '@aira/core';

/** A 31-bit seed for a job, derived from the run seed and the job's index. */
export function jobSeed(runSeed: number, jobIndex: number): number {
  return Math.floor(rngFor(runSeed, 'job-seed', jobIndex).next() * 2 ** 31);
}
