/**
 * The binding to @aira/grading's built-in graders, by competition id. Kept in one file so the
 * rest of the package does not depend on grading's exact API.
 */
export async function gradeBuiltin(id: string, _submission: string, _answers: string): Promise<number | null> {
  throw new Error(`@aira/grading has no built-in grader for ${id} yet`);
}

/** MLE-bench rounds every score to 5 decimals (reference/mlebench.md §2.1 step 4). */
export function roundScore(x: number): number {
  return x;
}
