import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '@aira/core/errors';
import { gradeSubmission, loadAnswers, metricFor, readCsv, readLeaderboard, registeredLeaderboard, reportFor, type GradeReport } from '@aira/grading';

/** The report fields in MLE-bench's order, then ours (reference/mlebench.md §2.3). */
const FIELDS: (keyof GradeReport)[] = [
  'competition_id', 'score', 'gold_threshold', 'silver_threshold', 'bronze_threshold', 'median_threshold',
  'gold_medal', 'silver_medal', 'bronze_medal', 'any_medal', 'above_median',
  'submission_exists', 'valid_submission', 'is_lower_better', 'percentile_rank', 'approximate_leaderboard',
];

function requireFile(flag: string, path: string): void {
  if (!existsSync(path)) throw new UserError(`${flag} ${path}: no such file`);
  if (!statSync(path).isFile()) throw new UserError(`${flag} ${path}: not a file`);
}

/** JSON has no NaN or ±Infinity: those scores are written as the strings Python's json would print. */
function jsonValue(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return v;
}

export function register(program: Command): void {
  program
    .command('grade')
    .description("grade one submission exactly as MLE-bench does and rank it on the competition's leaderboard")
    .requiredOption('--competition <id>', 'MLE-bench competition id (e.g. spaceship-titanic)')
    .requiredOption('--submission <file>', 'the submission CSV')
    .requiredOption('--answers <file>', 'the private answers (.csv, or .jsonl for tensorflow2-question-answering)')
    .option('--leaderboard <file>', "leaderboard CSV with a score column (default: the competition's registered one)")
    .option('--json', 'print the report as JSON')
    .action((opts: { competition: string; submission: string; answers: string; leaderboard?: string; json?: boolean }) => {
      metricFor(opts.competition); // unknown id → one-line error
      requireFile('--submission', opts.submission);
      requireFile('--answers', opts.answers);
      if (opts.leaderboard) requireFile('--leaderboard', opts.leaderboard);
      const answers = loadAnswers(opts.answers);
      // A .csv that cannot be parsed is reported as an error; any other suffix is MLE-bench's "no submission".
      const submission = extname(opts.submission).toLowerCase() === '.csv' ? readCsv(opts.submission) : opts.submission;
      // After the user's own files, so a bad file is the first error named; --leaderboard needs no registry.
      const leaderboard = opts.leaderboard ? readLeaderboard(opts.leaderboard) : registeredLeaderboard(opts.competition);
      const result = gradeSubmission(opts.competition, submission, answers);
      const report = reportFor(result, leaderboard, opts.submission);
      if (opts.json) {
        const out: Record<string, unknown> = {};
        for (const k of [...FIELDS, 'created_at', 'submission_path'] as (keyof GradeReport)[]) out[k] = jsonValue(report[k]);
        if (report.reason) out['reason'] = report.reason;
        console.log(JSON.stringify(out, null, 2));
        return;
      }
      const rows: [string, string][] = FIELDS.map((k) => [k, String(report[k])]);
      if (report.reason) rows.push(['reason', report.reason]);
      const width = Math.max(...rows.map(([k]) => k.length));
      for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
      if (report.approximate_leaderboard) console.log(`note: ${opts.competition}'s leaderboard is an approximation of MLE-bench's (see shared/mlebench/SOURCE.md)`);
    });
}
