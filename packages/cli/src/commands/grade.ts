import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { Command } from 'commander';
import { UserError } from '@aira/core/errors';
import {
  gradeSubmission,
  loadAnswers,
  metricFor,
  readCsv,
  readLeaderboard,
  registeredLeaderboard,
  reportFor,
  type GradeReport,
  type GradeResult,
} from '@aira/grading';

/** The report fields in MLE-bench's order, then ours (docs/mlebench-grading.md §Grading report). */
const FIELDS: (keyof GradeReport)[] = [
  'competition_id',
  'score',
  'gold_threshold',
  'silver_threshold',
  'bronze_threshold',
  'median_threshold',
  'gold_medal',
  'silver_medal',
  'bronze_medal',
  'any_medal',
  'above_median',
  'submission_exists',
  'valid_submission',
  'is_lower_better',
  'percentile_rank',
  'approximate_leaderboard',
];

function requireFile(flag: string, path: string): void {
  if (!existsSync(path)) throw new UserError(`${flag} ${path}: no such file`);
  if (!statSync(path).isFile()) throw new UserError(`${flag} ${path}: not a file`);
}

/** JSON has no NaN or ±Infinity: those scores are written as the strings Python's json would print. */
function jsonValue(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v))
    return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return v;
}

interface GradeFlags {
  competition: string;
  submission: string;
  answers?: string;
  leaderboard?: string;
  plugin?: string[];
  data?: string;
  json?: boolean;
}

/** MLE-bench's own graders (by id), with --answers; else the competition its plugin defines. */
async function grade(opts: GradeFlags): Promise<GradeReport> {
  requireFile('--submission', opts.submission);
  if (opts.answers) requireFile('--answers', opts.answers);
  if (opts.leaderboard) requireFile('--leaderboard', opts.leaderboard);
  if (hasBuiltinGrader(opts.competition)) {
    // Grading is a few loops over 10^6 rows, each run once in this process: V8 compiles a hot
    // loop's optimized code on the main thread instead of running the loop on in the interpreter
    // while a helper thread compiles it (13 % less CPU on 10^6-row log loss; the grading
    // package's README, "How fast").
    setFlagsFromString('--no-concurrent-osr');
    if (!opts.answers)
      throw new UserError(
        `--answers: ${opts.competition} is graded by MLE-bench's grader, which needs the private answers file`,
      );
    const answers = loadAnswers(opts.answers);
    // A .csv that cannot be parsed is reported as an error; any other suffix is MLE-bench's "no submission".
    const submission =
      extname(opts.submission).toLowerCase() === '.csv' ? readCsv(opts.submission) : opts.submission;
    // After the user's own files, so a bad file is the first error named; --leaderboard needs no registry.
    const leaderboard = opts.leaderboard
      ? readLeaderboard(opts.leaderboard)
      : registeredLeaderboard(opts.competition);
    return reportFor(gradeSubmission(opts.competition, submission, answers), leaderboard, opts.submission);
  }
  // Any plugin's competition (plugins/mini, --plugin, AIRA_PLUGINS), with its grader and leaderboard.
  // Loaded here only: MLE-bench's graders need neither the plugin registry nor its zod manifests.
  const { loadCompetitions } = await import('../plugins.js');
  const registry = await loadCompetitions(opts.plugin ?? []);
  const c = registry.create(opts.competition, opts.data ? { dataDir: resolve(opts.data) } : undefined);
  if (!opts.answers) await c.prepare?.(); // its prepared private answers (a no-op when current)
  const leaderboard = opts.leaderboard
    ? readLeaderboard(opts.leaderboard)
    : c.leaderboard
      ? readLeaderboard(c.leaderboard.file, c.leaderboard.exact)
      : undefined;
  if (!leaderboard)
    throw new UserError(
      `${opts.competition}: its plugin names no leaderboard; give one with --leaderboard FILE`,
    );
  const outcome = await c.grade(resolve(opts.submission), opts.answers ? resolve(opts.answers) : undefined);
  const result: GradeResult = {
    competitionId: c.id,
    score: outcome.score,
    rawScore: outcome.score,
    valid: outcome.valid,
    reason: outcome.valid ? null : (outcome.error ?? 'invalid submission'),
    submissionExists: true,
  };
  return reportFor(result, leaderboard, opts.submission);
}

function hasBuiltinGrader(id: string): boolean {
  try {
    metricFor(id);
    return true;
  } catch {
    return false;
  }
}

export function register(program: Command): void {
  program
    .command('grade')
    .description(
      "grade one submission as MLE-bench does (or as the competition's plugin grades it) and rank it on the competition's leaderboard; exits 1 when the submission is invalid",
    )
    .requiredOption(
      '--competition <id>',
      "competition id: an MLE-bench one (e.g. spaceship-titanic) or any plugin's (e.g. mini-diabetes)",
    )
    .requiredOption('--submission <file>', 'the submission CSV')
    .option(
      '--answers <file>',
      'the private answers (.csv, or .jsonl for tensorflow2-question-answering); plugin competitions default to their prepared ones',
    )
    .option(
      '--leaderboard <file>',
      "leaderboard CSV with a score column (default: the competition's registered one)",
    )
    .option(
      '--plugin <spec>',
      'a competition plugin: folder, manifest file or npm package (repeatable; adds to AIRA_PLUGINS)',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option(
      '--data <dir>',
      'prepared data folder of plugin competitions (default: AIRA_MLEBENCH_DATA, else ~/.cache/mle-bench/data)',
    )
    .option('--json', 'print the report as JSON')
    .action(async (opts: GradeFlags) => {
      const report = await grade(opts);
      if (opts.json) {
        const out: Record<string, unknown> = {};
        for (const k of [...FIELDS, 'created_at', 'submission_path'] as (keyof GradeReport)[])
          out[k] = jsonValue(report[k]);
        if (report.reason) out['reason'] = report.reason;
        console.log(JSON.stringify(out, null, 2));
      } else {
        const rows: [string, string][] = FIELDS.map((k) => [k, String(report[k])]);
        if (report.reason) rows.push(['reason', report.reason]);
        const width = Math.max(...rows.map(([k]) => k.length));
        for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
        if (report.approximate_leaderboard)
          console.log(
            `note: ${opts.competition}'s leaderboard is an approximation of MLE-bench's (see shared/mlebench/SOURCE.md)`,
          );
      }
      if (!report.valid_submission) process.exitCode = 1;
    });
}
