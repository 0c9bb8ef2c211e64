import type { Evaluator, Submission } from '../agent/types.js';
import type { RunConfig } from '../config/schema.js';
import type { Scores } from '../state/types.js';

const SCORE_LINE = /^[ \t]*score:[ \t]*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)[ \t]*$/gm;

/** The number on the last line of the form `score: <number>`, or null when there is none. */
export function parseScoreLine(output: string): number | null {
  let last: number | null = null;
  for (const m of output.matchAll(SCORE_LINE)) last = Number(m[1]);
  return last !== null && Number.isFinite(last) ? last : null;
}

function tail(text: string, lines = 5): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Scores a submission by what it says about itself (the paper's "No HCE" row, docs/paper.md §HCE). */
export function selfReportedScores(submission: Submission): Scores {
  if (submission.failure) return { valid: false, search: null, reason: submission.failure };
  if (submission.exitCode !== 0) {
    return {
      valid: false,
      search: null,
      reason: `exited with code ${submission.exitCode}: ${tail(submission.output)}`,
    };
  }
  const score = parseScoreLine(submission.output);
  if (score === null)
    return { valid: false, search: null, reason: 'no line "score: <number>" in the output' };
  return { valid: true, search: score };
}

/**
 * The self-reported evaluator: fitness is the number the solution prints on a `score: <number>`
 * line; the direction comes from the run config. No validation score, so the final pick uses it too.
 */
export function selfReportedEvaluator(config: RunConfig): Evaluator {
  return {
    name: 'self-reported',
    prepare: async ({ competition, definition }) => ({
      competition,
      ...(definition ? { definition } : {}),
      direction: config.direction,
      description: 'Print your solution\'s score on a line of its own: "score: <number>".',
    }),
    evaluate: async (submission) => selfReportedScores(submission),
  };
}
