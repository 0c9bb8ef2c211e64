import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A script-agent solution (`aira run --script`) in `dir`: sleeps for `sleep` seconds (a Python
 * expression; `rng` is the job's seeded generator), writes a prediction and prints a score rising
 * with its parents'. `extra` is Python run just before the score is printed.
 */
export function scoreScript(dir: string, sleep: string, extra = ''): string {
  const path = join(dir, 'solution.py');
  writeFileSync(
    path,
    [
      'import json, os, random, time',
      'job = json.load(open(os.environ["AIRA_JOB_JSON"]))',
      'rng = random.Random(int(os.environ["AIRA_JOB_SEED"]))',
      `time.sleep(${sleep})`,
      'best = max([p["searchScore"] for p in job["parents"] if p["searchScore"] is not None] + [0.0])',
      'score = best + rng.random()',
      'open(os.path.join(os.environ["AIRA_SUBMISSION_DIR"], "pred.txt"), "w").write(str(score))',
      extra,
      'print(f"score: {score}")',
      '',
    ].join('\n'),
  );
  return path;
}
