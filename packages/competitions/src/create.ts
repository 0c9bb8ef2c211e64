import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDuration } from '@aira/core';
import { gradeBuiltin, roundScore } from './builtin-grader.js';
import { leaderboardReader, rankScore, thresholdsOf } from './rank.js';
import type { LoadedCompetition } from './load.js';
import { checksumsPath, defaultRegistryDir, leaderboardPath } from './mlebench-registry.js';
import { resolveDataDir } from './paths.js';
import type { Competition, GradeOutcome, LeaderboardInfo } from './plugin-api.js';
import { runPythonGrader } from './python-grader.js';

export interface CreateOptions {
  /** MLE-bench data folder; default: AIRA_MLEBENCH_DATA, else ~/.cache/mle-bench/data. */
  dataDir?: string;
  /** MLE-bench registry folder (leaderboards, checksums); default: AIRA_MLEBENCH_DIR, else ../shared/mlebench. */
  registryDir?: string;
  /** Interpreter for Python graders; default: AIRA_PYTHON, else /usr/bin/python3. */
  python?: string;
}

/** Binds a loaded competition to a data folder and a registry folder. */
export function createCompetition(loaded: LoadedCompetition, opts: CreateOptions = {}): Competition {
  const { manifest: m, dir } = loaded;
  const dataDir = resolveDataDir(opts.dataDir);
  const registryDir = resolve(opts.registryDir ?? defaultRegistryDir());
  const prepared = m.data.root ? resolve(dir, m.data.root) : join(dataDir, m.id, 'prepared');
  const at = (p: string) => join(prepared, p);

  let leaderboard: LeaderboardInfo | undefined;
  if (m.leaderboard.kind === 'mlebench') {
    const lb = leaderboardPath(registryDir, m.id);
    leaderboard = { file: lb.path, exact: lb.exact, note: lb.note };
  } else if (m.leaderboard.kind === 'file')
    leaderboard = { file: join(dir, m.leaderboard.path), exact: true };
  const readLb = leaderboardReader(leaderboard);
  const checksums =
    m.checksums.kind === 'mlebench'
      ? checksumsPath(registryDir, m.id)
      : m.checksums.kind === 'file'
        ? join(dir, m.checksums.path)
        : undefined;

  const python = opts.python ?? process.env.AIRA_PYTHON ?? '/usr/bin/python3';
  // Python and code graders; built-in ones go straight to @aira/grading in grade().
  const raw = async (submission: string, answers: string): Promise<number | null> => {
    const g = m.grader;
    if (g.kind === 'python') {
      return runPythonGrader(
        { python, script: join(dir, g.script), cwd: dir, timeoutMs: parseDuration(g.timeout) },
        submission,
        answers,
      );
    }
    return (await loaded.code.grade!({ submission, answers, competition })) ?? null;
  };

  const competition: Competition = {
    id: m.id,
    manifest: m,
    plugin: loaded.plugin.name,
    code: loaded.code,
    leaderboard,
    paths: {
      dataDir,
      prepared,
      public: at('public'),
      private: at('private'),
      answers: at(m.data.answers),
      sampleSubmission: at(m.data.sampleSubmission),
      goldSubmission: m.data.goldSubmission ? at(m.data.goldSubmission) : undefined,
      dir,
      manifest: loaded.manifestFile,
      leaderboard: leaderboard?.file,
      checksums,
    },
    async grade(submission: string, answers = competition.paths.answers): Promise<GradeOutcome> {
      // Missing answers are the operator's problem, not the submission's (docs/mlebench-grading.md §Grading a submission step 1).
      if (!existsSync(answers)) throw new Error(`${m.id}: no answers at ${answers} (is the data prepared?)`);
      if (m.grader.kind === 'builtin')
        return gradeBuiltin(m.grader.competition ?? m.id, resolve(submission), resolve(answers));
      if (!existsSync(submission) || !statSync(submission).isFile())
        return { score: null, valid: false, error: `no submission file at ${submission}` };
      try {
        const score: unknown = await raw(resolve(submission), resolve(answers));
        // Any grader error makes the score null; a number is rounded to 5 decimals (§2.1 step 4).
        if (typeof score !== 'number')
          return {
            score: null,
            valid: false,
            error:
              score === null ? 'grader returned no score' : `grader returned a ${typeof score}, not a number`,
          };
        return { score: roundScore(score), valid: true };
      } catch (err) {
        return {
          score: null,
          valid: false,
          error: (err instanceof Error ? err.message : String(err)).split('\n')[0],
        };
      }
    },
    rank(score: number | null) {
      const lb = readLb();
      return lb && rankScore(lb, score);
    },
    thresholds() {
      const lb = readLb();
      return lb && thresholdsOf(lb);
    },
  };
  if (loaded.code.prepare) {
    const prepare = loaded.code.prepare;
    competition.prepare = () =>
      prepare({
        competition,
        root: dirname(competition.paths.prepared),
        public: competition.paths.public,
        private: competition.paths.private,
      });
  }
  if (loaded.code.split) {
    const split = loaded.code.split;
    competition.split = (ctx) => split({ ...ctx, competition });
  }
  return competition;
}
