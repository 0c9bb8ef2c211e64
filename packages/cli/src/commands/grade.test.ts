import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mlebenchRegistryDir } from '@aira/grading';

/** The built CLI (tests run after `tsc -b`, as `npm test` does). */
const AIRA = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/aira.js');
const dir = mkdtempSync(join(tmpdir(), 'aira-grade-cli-'));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
// MLE-bench's registry (AIRA_MLEBENCH_DIR, else ../shared/mlebench): absent from a bare clone.
const registry = mlebenchRegistryDir();
const haveRegistry = registry !== null && existsSync(registry);
if (!haveRegistry)
  console.warn(
    `aira grade: no MLE-bench registry at ${registry ?? '../shared/mlebench'} (set AIRA_MLEBENCH_DIR); the registered-leaderboard test is skipped`,
  );
const aira = (...args: string[]) => spawnSync(process.execPath, [AIRA, ...args], { encoding: 'utf8' });

const answers = write('answers.csv', 'PassengerId,Transported\n1,True\n2,False\n3,True\n4,True\n');
const leaderboard = write('lb.csv', 'score\n0.9\n0.8\n0.7\n0.6\n0.5\n');

describe('aira grade', () => {
  it('prints the MLE-bench report fields plus percentile rank', () => {
    // 3 of 4 right → 0.75. Leaderboard of 5 (higher is better): gold #1 0.9, silver #1 0.9, bronze #2 0.8,
    // median 0.7 → no medal, above median. Percentile: 0.75 ranks 3rd of 6 → (6 − 3)/5·100 = 60.
    const sub = write('sub.csv', 'PassengerId,Transported\n1,True\n2,True\n3,True\n4,True\n');
    const r = aira(
      'grade',
      '--competition',
      'spaceship-titanic',
      '--submission',
      sub,
      '--answers',
      answers,
      '--leaderboard',
      leaderboard,
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^score\s+0\.75$/m);
    expect(r.stdout).toMatch(/^bronze_threshold\s+0\.8$/m);
    expect(r.stdout).toMatch(/^above_median\s+true$/m);
    expect(r.stdout).toMatch(/^any_medal\s+false$/m);
    expect(r.stdout).toMatch(/^percentile_rank\s+60$/m);
    const j = aira(
      'grade',
      '--competition',
      'spaceship-titanic',
      '--submission',
      sub,
      '--answers',
      answers,
      '--leaderboard',
      leaderboard,
      '--json',
    );
    const report = JSON.parse(j.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      competition_id: 'spaceship-titanic',
      score: 0.75,
      gold_threshold: 0.9,
      silver_threshold: 0.9,
      bronze_threshold: 0.8,
      median_threshold: 0.7,
      gold_medal: false,
      silver_medal: false,
      bronze_medal: false,
      any_medal: false,
      above_median: true,
      submission_exists: true,
      valid_submission: true,
      is_lower_better: false,
      percentile_rank: 60,
    });
  });

  it('gives the reason for an invalid submission and exits 1', () => {
    const sub = write('short.csv', 'PassengerId,Transported\n1,True\n');
    const r = aira(
      'grade',
      '--competition',
      'spaceship-titanic',
      '--submission',
      sub,
      '--answers',
      answers,
      '--leaderboard',
      leaderboard,
      '--json',
    );
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({
      score: null,
      valid_submission: false,
      percentile_rank: 0,
      reason: 'submission has 1 rows, answers have 4',
    });
  });

  it("grades a plugin's competition (mini-diabetes, lower is better) with its own grader and leaderboard", () => {
    const data = join(dir, 'data');
    const env = { ...process.env, AIRA_MLEBENCH_DATA: data };
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [AIRA, 'grade', '--competition', 'mini-diabetes', ...args], {
        encoding: 'utf8',
        env,
      });
    // Its plugin prepares the data on first use; the sample submission is a valid (poor) one.
    const first = run('--submission', write('none.csv', 'id,target\n'));
    expect(first.status, first.stderr).toBe(1);
    const sample = join(data, 'mini-diabetes', 'prepared', 'public', 'sample_submission.csv');
    const ok = run('--submission', sample, '--json');
    expect(ok.status, ok.stderr).toBe(0);
    const report = JSON.parse(ok.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      competition_id: 'mini-diabetes',
      valid_submission: true,
      is_lower_better: true,
    });
    expect(report.score).toEqual(expect.any(Number));
    expect(report.gold_threshold).toEqual(expect.any(Number));
    const bad = run('--submission', write('two.csv', 'id,target\n1,2\n'));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^valid_submission\s+false$/m);
    expect(bad.stdout).toMatch(/^reason\s+\S/m);
  }, 120_000);

  it.skipIf(!haveRegistry)("uses the competition's registered leaderboard by default", () => {
    const sub = write('all.csv', 'PassengerId,Transported\n1,True\n2,False\n3,True\n4,True\n');
    const r = aira('grade', '--competition', 'spaceship-titanic', '--submission', sub, '--answers', answers);
    // competitions.json: spaceship-titanic gold 0.82066; a perfect 1.0 is gold.
    expect(r.stdout).toMatch(/^gold_threshold\s+0\.82066$/m);
    expect(r.stdout).toMatch(/^gold_medal\s+true$/m);
  });

  it('fails in one line, without a stack trace, on an unknown competition, a missing file or an unreadable CSV', () => {
    const sub = write('ok.csv', 'PassengerId,Transported\n1,True\n');
    const cases: [string[], RegExp][] = [
      [
        ['--competition', 'no-such-comp', '--submission', sub, '--answers', answers],
        /unknown competition "no-such-comp": no loaded plugin defines it/,
      ],
      [
        [
          '--competition',
          'spaceship-titanic',
          '--submission',
          join(dir, 'missing.csv'),
          '--answers',
          answers,
        ],
        /--submission .*missing\.csv: no such file/,
      ],
      [
        ['--competition', 'spaceship-titanic', '--submission', sub, '--answers', join(dir, 'nope.csv')],
        /--answers .*nope\.csv: no such file/,
      ],
      [
        [
          '--competition',
          'spaceship-titanic',
          '--submission',
          write('ragged.csv', 'a,b\n1,2,3\n'),
          '--answers',
          answers,
        ],
        /ragged\.csv: line 2 has 3 fields/,
      ],
      [
        [
          '--competition',
          'spaceship-titanic',
          '--submission',
          sub,
          '--answers',
          answers,
          '--leaderboard',
          write('lbbad.csv', 'rank\n1\n'),
        ],
        /needs a "score" column/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = aira('grade', ...args);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    // Good files but no registry to rank on: that setting is named, in one line.
    const env = { ...process.env, AIRA_MLEBENCH_DIR: join(dir, 'no-registry') };
    const r = spawnSync(
      process.execPath,
      [AIRA, 'grade', '--competition', 'spaceship-titanic', '--submission', sub, '--answers', answers],
      { encoding: 'utf8', env },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim()).toBe(
      `aira: MLE-bench registry not found at ${join(dir, 'no-registry')} (from AIRA_MLEBENCH_DIR)`,
    );
  });
});
