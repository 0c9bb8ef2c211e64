import { Sfc32 } from '@aira/core';

/** The generator a split draws from (core's sfc32; `uint32()` for raw words, `below`, `shuffle`). */
export type SplitRng = Sfc32;

/**
 * A split's random stream, seeded by the split seed and a purpose label, so a split depends on
 * nothing but its seed and its input, not on the run seed: a split is made once and reused for
 * every seed of a run.
 */
export function splitRng(seed: number, purpose: string): SplitRng {
  return Sfc32.fromText(`aira-hce/${seed}/${purpose}`);
}
