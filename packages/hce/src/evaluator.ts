import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, directionOf as directionFromManifest, type Direction, type Logger } from '@aira/core';
import type { Competition } from '@aira/competitions';
import {
  selfReportedEvaluator,
  type Evaluator,
  type EvaluatorFactory,
  type LocalSessionFile,
  type RunCompetition,
  type RunConfig,
  type TaskInfo,
} from '@aira/coordinator';
import type { HceDetails } from './details.js';
import { gradeFiles, leaderboardLoader, rankTest, type SplitGrade, type TestGrade } from './grade.js';
import { prepareHce, prepareOpen, type HceSplit, type PrepareOptions } from './prepare.js';
import { isProtecting, UNPROTECTED_WARNING } from './protection.js';
import { listFiles } from './split/files.js';

export interface HceEvaluatorOptions extends PrepareOptions {
  /**
   * The competition of an id, bound to its data folder, for runs whose set-up carries none (the
   * study's registry makes no competitions); a run's own `definition` is used when it has one.
   */
  resolve?: (id: string) => Competition | Promise<Competition>;
  /**
   * How sessions get the public folder: `path` (default) binds it read-only as the session's data
   * folder, for workers that see this machine's files (local workers, a shared file system);
   * `upload` sends its files into each session (workers on other machines without a shared file
   * system). Default: AIRA_HCE_TRANSFER, else `path`.
   */
  transfer?: 'path' | 'upload';
  logger?: Logger;
}

/** How sessions get the data: the option, else AIRA_HCE_TRANSFER, else a read-only bind ("path"). */
export function transferMode(
  explicit?: 'path' | 'upload',
  env: NodeJS.ProcessEnv = process.env,
): 'path' | 'upload' {
  if (explicit) return explicit;
  const v = env.AIRA_HCE_TRANSFER;
  if (v === undefined || v === '') return 'path';
  if (v !== 'path' && v !== 'upload')
    throw new ConfigError(`AIRA_HCE_TRANSFER: expected "path" or "upload", got "${v}"`);
  return v;
}

/** Largest public folder `transfer: upload` sends into every session (each session gets its own copy). */
const MAX_UPLOAD = 2 * 1024 ** 3;

/** The public folder as files uploaded into a session's data folder, streamed from disk by the worker's file client. */
export function uploadFiles(publicDir: string): LocalSessionFile[] {
  const rels = listFiles(publicDir);
  const total = rels.reduce((n, r) => n + statSync(join(publicDir, r)).size, 0);
  if (total > MAX_UPLOAD)
    throw new ConfigError(
      `hce: the public folder ${publicDir} holds ${Math.round(total / 1024 ** 2)} MiB, too much to upload into every session; use workers that see a shared folder (transfer "path")`,
    );
  return rels.map((r) => ({ path: `data/${r}`, localPath: join(publicDir, r) }));
}

export const directionOf = (c: Competition): Direction => directionFromManifest(c.manifest.direction);

/** The run's competition: the one its set-up prepared, else the option's resolver. */
async function competitionOf(
  run: { competition: string | null; definition?: RunCompetition | null },
  options: HceEvaluatorOptions,
): Promise<Competition> {
  if (run.definition) return run.definition as Competition;
  if (!options.resolve || !run.competition)
    throw new ConfigError(`hce: no competition "${run.competition}" was given to this run's set-up`);
  return options.resolve(run.competition);
}

function taskFor(
  c: Competition,
  publicDir: string,
  description: string,
  transfer: 'path' | 'upload',
): TaskInfo {
  // Hidden answers stay on this machine either way: HCE's hidden splits, or --hce off's test answers.
  const base = { competition: c.id, definition: c, direction: directionOf(c), description, hidden: true };
  return transfer === 'upload'
    ? { ...base, files: uploadFiles(publicDir) }
    : { ...base, dataPath: publicDir };
}

/** What protected an attempt's session, warned about once per evaluator, loudly, when nothing did. */
function protectionWatch(logger: Logger | undefined) {
  let warned = false;
  return (sandbox: string, jobId: string): HceDetails['protection'] => {
    if (!isProtecting(sandbox) && !warned) {
      warned = true;
      if (logger) logger.warn({ job: jobId, sandbox }, UNPROTECTED_WARNING);
      else process.stderr.write(`aira: WARNING: ${UNPROTECTED_WARNING}\n`);
    }
    return { sandbox, protected: isProtecting(sandbox) };
  };
}

/**
 * Records which split a run is scored on (`<run>/hce-split.json`) and refuses to go on with another
 * one: a resumed run whose data or split seed changed would mix scores from two splits, which is
 * what HCE's consistency forbids (docs/paper.md §HCE: the split is fixed for the whole search).
 */
export function stampSplit(runDir: string, split: HceSplit): void {
  const file = join(runDir, 'hce-split.json');
  if (existsSync(file)) {
    const prev = JSON.parse(readFileSync(file, 'utf8')) as { key: string; splitSeed: number };
    if (prev.key !== split.key) {
      throw new ConfigError(
        `hce: this run was scored on split ${prev.key} (split seed ${prev.splitSeed}) but the split is now ` +
          `${split.key} (split seed ${split.manifest.splitSeed}): the data or the split seed changed, and ` +
          `scores from two splits cannot be compared (${file})`,
      );
    }
    return;
  }
  mkdirSync(runDir, { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify({ key: split.key, splitSeed: split.manifest.splitSeed, competition: split.manifest.competition, dir: split.dir, counts: split.manifest.counts }, null, 2)}\n`,
  );
}

/**
 * The HCE evaluator (docs/paper.md §HCE), registered as "hce". prepare() splits the
 * competition once (cached) and gives sessions only the public folder; evaluate() grades the
 * search, validation and test prediction files here, against answers that never leave this
 * machine. The agent and the search policy get the search score and, when it is invalid, only
 * the search file's reason; validation makes the final pick; test, with percentile rank and
 * medals, is for reports (in `details`, which agents never see).
 */
export function hceEvaluator(options: HceEvaluatorOptions): EvaluatorFactory {
  return (_config: RunConfig): Evaluator => {
    let split: HceSplit | null = null;
    let leaderboard: ReturnType<typeof leaderboardLoader> = () => null;
    const protection = protectionWatch(options.logger);
    return {
      name: 'hce',
      async prepare(run) {
        if (!run.competition)
          throw new ConfigError(
            'hce: a run without a competition has no hidden data to evaluate on (use --hce off)',
          );
        const c = await competitionOf(run, options);
        split = await prepareHce(c, options);
        stampSplit(run.runDir, split);
        leaderboard = leaderboardLoader(c);
        options.logger?.info(
          {
            competition: c.id,
            key: split.key,
            cached: split.cached,
            public: split.publicDir,
            counts: split.manifest.counts,
          },
          'hce split ready',
        );
        const task = taskFor(c, split.publicDir, split.instructions, transferMode(options.transfer));
        return {
          ...task,
          split: { key: split.key, splitSeed: split.manifest.splitSeed, counts: split.manifest.counts },
        };
      },
      async evaluate(submission, ctx) {
        if (!split) throw new Error('hce: evaluate() before prepare()');
        const s = split;
        const grades = await gradeFiles(s.competition, submission, s.answers);
        const search = grades.search!;
        const validation = grades.validation!;
        const test: TestGrade = rankTest(s.competition, grades.test!, leaderboard());
        const details: HceDetails = {
          direction: directionOf(s.competition),
          hce: { key: s.key, splitSeed: s.manifest.splitSeed },
          search,
          validation,
          test,
          protection: protection(ctx.protection, ctx.job.spec.id),
        };
        return {
          valid: search.valid,
          search: search.score,
          validation: validation.score,
          test: test.score,
          // Only the search file's reason: it is what the agent may see (ParentView.reason).
          ...(search.valid ? {} : { reason: search.reason }),
          details,
        };
      },
    };
  };
}

/**
 * The evaluator for `--hce off` (the paper's "No HCE" row), registered over "self-reported": the
 * agent gets all labelled data; search and final pick use the score the solution prints; the test
 * predictions are still graded here against the hidden test answers, for the report only.
 * Without a competition it is the coordinator's self-reported evaluator unchanged.
 */
export function hceOffEvaluator(options: HceEvaluatorOptions): EvaluatorFactory {
  return (config: RunConfig): Evaluator => {
    const base = selfReportedEvaluator(config);
    let competition: Competition | null = null;
    let leaderboard: ReturnType<typeof leaderboardLoader> = () => null;
    const protection = protectionWatch(options.logger);
    return {
      name: 'self-reported',
      async prepare(run) {
        if (!run.competition) return base.prepare(run);
        const c = await competitionOf(run, options);
        const open = await prepareOpen(c, options);
        competition = c;
        leaderboard = leaderboardLoader(c);
        return taskFor(c, open.publicDir, open.instructions, transferMode(options.transfer));
      },
      async evaluate(submission, ctx) {
        const scores = await base.evaluate(submission, ctx);
        if (!competition) return scores;
        const graded = await gradeFiles(competition, submission, { test: competition.paths.answers });
        const test: TestGrade = rankTest(competition, graded.test as SplitGrade, leaderboard());
        const details: HceDetails = {
          direction: directionOf(competition),
          test,
          protection: protection(ctx.protection, ctx.job.spec.id),
        };
        return { ...scores, test: test.score, details: { ...scores.details, ...details } };
      },
    };
  };
}
