import type { Medal } from '@aira/grading';
import type { Scores } from '@aira/coordinator';
import { z } from 'zod';

/**
 * What HCE's evaluators keep in a candidate's `scores.details` (never shown to agents): the one
 * shape the evaluators write and the readers (checkpoint picks, the report, ablation tables) read.
 */

/** One split's grade. */
export const SplitGrade = z.object({
  score: z.number().nullable(),
  valid: z.boolean(),
  reason: z.string().optional(),
});
export type SplitGrade = z.infer<typeof SplitGrade>;

const MedalSchema = z.enum(['gold', 'silver', 'bronze']) satisfies z.ZodType<Medal>;

export const LeaderboardRef = z.object({ kind: z.string(), file: z.string(), exact: z.boolean() });

/** The test grade with its standing on the competition's leaderboard (for reports only). */
export const TestGrade = SplitGrade.extend({
  /** Percentile Rank (docs/mlebench-grading.md); 0 for a missing or invalid submission. */
  percentileRank: z.number().nullable(),
  medal: MedalSchema.nullable(),
  aboveMedian: z.boolean().nullable(),
  leaderboard: LeaderboardRef.nullable(),
});
export type TestGrade = z.infer<typeof TestGrade>;

/** The sandbox the attempt's session ran under, and whether it kept the hidden answers away. */
export const ProtectionDetail = z.object({ sandbox: z.string(), protected: z.boolean() });

export const HceDetails = z.object({
  direction: z.enum(['maximize', 'minimize']),
  /** The split the scores were computed on (absent under --hce off). */
  hce: z.object({ key: z.string(), splitSeed: z.number() }).optional(),
  search: SplitGrade.optional(),
  validation: SplitGrade.optional(),
  test: TestGrade,
  protection: ProtectionDetail,
});
export type HceDetails = z.infer<typeof HceDetails>;

/**
 * Reading tolerates journals written by other versions or by hand: each part that does not match
 * is left out, so one odd field never hides the others.
 */
const lenient = <T extends z.ZodType>(t: T) => t.optional().catch(undefined);
const ReadDetails = z.object({
  direction: lenient(HceDetails.shape.direction),
  hce: lenient(z.object({ key: z.string(), splitSeed: z.number() })),
  search: lenient(SplitGrade),
  validation: lenient(SplitGrade),
  test: lenient(
    z.object({
      score: lenient(z.number().nullable()),
      valid: lenient(z.boolean()),
      reason: lenient(z.string()),
      percentileRank: lenient(z.number().nullable()),
      medal: lenient(MedalSchema.nullable()),
      aboveMedian: lenient(z.boolean().nullable()),
      leaderboard: lenient(
        z.object({ kind: z.string(), file: lenient(z.string()), exact: lenient(z.boolean()) }).nullable(),
      ),
    }),
  ),
  protection: lenient(ProtectionDetail),
});
export type ReadDetails = z.infer<typeof ReadDetails>;

/** A candidate's details as HCE wrote them, every part optional (none for another evaluator's). */
export function detailsOf(scores: Scores): ReadDetails {
  const parsed = ReadDetails.safeParse(scores.details ?? {});
  return parsed.success ? parsed.data : {};
}
