import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '@aira/competitions';
import { gradeSubmission, mlebenchRegistryDir } from '@aira/grading';
import { prepareHce } from '@aira/hce';
import { repoPlugins } from '@aira/testing';

/**
 * MLE-bench-30 (and every other MLE-bench competition HCE splits) end to end on synthetic data,
 * through the built CLI as a user types it: `aira data synth` → `aira run` with the script agent (one job per
 * competition, a candidate that copies each part's sample submission) on a real local worker
 * daemon → HCE split, worker transfer, grading of search/validation/test → the study report and
 * MLE-bench's grading report name each pick's percentile on the competition's real leaderboard.
 */

const AIRA = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/aira.js');

/**
 * Competitions outside MLE-bench-30 that HCE cannot split yet: "custom" splits nobody has written a
 * recipe for. Each must stop at the split with a message that says so.
 */
const NOT_SPLITTABLE: Record<string, RegExp> = Object.fromEntries(
  [
    'denoising-dirty-documents',
    'dogs-vs-cats-redux-kernels-edition',
    'ml2021spring-hw2',
    'plant-seedlings-classification',
    'random-acts-of-pizza',
    'text-normalization-challenge-english-language',
    'text-normalization-challenge-russian-language',
    'the-icml-2013-whale-challenge-right-whale-redux',
  ].map((id) => [
    id,
    new RegExp(`HCE cannot split ${id} yet: split\\.method is "custom", HCE has no recipe for ${id}`),
  ]),
);

// MLE-bench's registry (AIRA_MLEBENCH_DIR, else ../shared/mlebench) holds the real leaderboards.
const registry = mlebenchRegistryDir();
const haveRegistry = registry !== null && existsSync(registry);
if (!haveRegistry)
  console.warn(
    `mlebench-30 end to end: no MLE-bench registry at ${registry ?? '../shared/mlebench'} (set AIRA_MLEBENCH_DIR); the leaderboard checks are skipped`,
  );

/** The candidate: copies each part's sample submission to the prediction file HCE asks for. */
const SCRIPT = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../tools/mlebench/sample_submissions.py',
);

const root = mkdtempSync(join(tmpdir(), 'aira-mlebench30-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const data = join(root, 'data');
const hceCache = join(root, 'hce');
const env = {
  ...process.env,
  AIRA_MLEBENCH_DATA: data,
  AIRA_HCE_CACHE: hceCache,
  AIRA_OUT: join(root, 'runs'),
};
const aira = (...args: string[]) =>
  spawnSync(process.execPath, [AIRA, ...args], { encoding: 'utf8', env, cwd: root });

/** `aira ...` without blocking the test's event loop (a run takes a while), with its exit code and output. */
function airaAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [AIRA, ...args], { env, cwd: root });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.on('close', (status) => done({ status, stdout, stderr }));
  });
}

let thirty: string[] = [];
let all: string[] = [];
/** Competitions whose HCE split was built (the study runs these). */
const split: string[] = [];

beforeAll(async () => {
  const reg = await loadRegistry(repoPlugins());
  thirty = reg.resolveSuite('mlebench-30').ids;
  all = reg.resolveSuite('mlebench-all').ids;
});

describe('MLE-bench (30, and all 54) on synthetic data', () => {
  it('aira data synth writes every competition that has a writer, in the layout aira data check expects', () => {
    // 100 units a train part: hidden parts of ~10 rows, enough for every class of the AUC-graded ones.
    const r = aira('data', 'synth', '--suite', 'mlebench-all', '--out', data, '--size', '100', '--seed', '1');
    const written = all.filter((id) => new RegExp(`^${id}\\s+written`, 'm').test(r.stdout));
    expect(all.filter((id) => !written.includes(id))).toEqual([]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('this data is invented');
    const check = JSON.parse(
      aira('data', 'check', ...written, '--data', data, '--quick', '--json').stdout,
    ) as { competitions: Array<{ id: string; state: string; detail: string }> };
    for (const s of check.competitions)
      expect(`${s.id}: ${s.state} (${s.detail})`).toBe(`${s.id}: ok (${s.detail})`);
  }, 300_000);

  it('HCE splits all of MLE-bench-30 and every other competition but the custom splits without a recipe, which stop saying so', async () => {
    const reg = await loadRegistry(repoPlugins());
    for (const id of all) {
      const expected = NOT_SPLITTABLE[id];
      const attempt = prepareHce(reg.create(id, { dataDir: data }), { cacheDir: hceCache });
      if (expected) await expect(attempt, id).rejects.toThrow(expected);
      else {
        await expect(attempt, id).resolves.toMatchObject({ competition: { id } });
        split.push(id);
      }
    }
    // All of MLE-bench-30.
    expect(thirty.filter((id) => !split.includes(id))).toEqual([]);
  }, 300_000);

  it('every competition with an HCE split runs end to end on a real worker and is ranked on its real leaderboard', async () => {
    expect(thirty.every((id) => split.includes(id))).toBe(true);
    const suiteFile = join(root, 'suite.yaml');
    writeFileSync(
      suiteFile,
      `description: every MLE-bench competition HCE splits today\ncompetitions:\n${split.map((id) => `  - ${id}`).join('\n')}\n`,
    );
    const r = await airaAsync([
      'run',
      '--suite',
      suiteFile,
      '--agent',
      'script',
      '--script',
      SCRIPT,
      '--interpreter',
      '/usr/bin/python3',
      '--max-jobs',
      '1',
      '--workers',
      'local:1',
      '--budget',
      '10m',
      '--quiet',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const studyDir = dirname(/^report: (.*report\.md)$/m.exec(r.stdout)![1]!);
    const report = JSON.parse(readFileSync(join(studyDir, 'report.json'), 'utf8')) as {
      runs: Array<{
        competition: string;
        state: string;
        valid: number;
        pick: {
          search: number | null;
          validation: number | null;
          test: number | null;
          percentileRank: number;
          leaderboard: { kind: string } | null;
        } | null;
      }>;
    };
    expect(report.runs.map((x) => x.competition).sort()).toEqual([...split].sort());
    for (const run of report.runs) {
      const why = `${run.competition}: ${JSON.stringify(run.pick)}`;
      expect(run.state, why).toBe('ended');
      expect(run.valid, why).toBe(1);
      // Graded on search, validation and test.
      expect(typeof run.pick?.search, why).toBe('number');
      expect(typeof run.pick?.validation, why).toBe('number');
      expect(typeof run.pick?.test, why).toBe('number');
      if (haveRegistry) {
        expect(run.pick!.leaderboard?.kind, why).toBe('mlebench');
        expect(run.pick!.percentileRank, why).toBeGreaterThanOrEqual(0);
        expect(run.pick!.percentileRank, why).toBeLessThanOrEqual(100);
      }
    }
    const md = readFileSync(join(studyDir, 'report.md'), 'utf8');
    for (const id of split) expect(md).toContain(`## ${id}`);
    if (!haveRegistry) return;
    const reg = await loadRegistry(repoPlugins());
    expect(md).toMatch(/On the Kaggle leaderboard \(MLE-bench\): percentile rank [\d.]+, medal: /);
    // MLE-bench's grading-report format, one report per run, its submissions beside it.
    const g = JSON.parse(readFileSync(join(studyDir, 'mlebench', 'grading_report.json'), 'utf8')) as {
      total_runs: number;
      total_valid_submissions: number;
      competition_reports: Array<Record<string, unknown>>;
    };
    expect(g.total_runs).toBe(split.length);
    expect(g.total_valid_submissions).toBe(split.length);
    for (const c of g.competition_reports) {
      expect(Object.keys(c).sort()).toEqual(
        [
          'above_median',
          'any_medal',
          'bronze_medal',
          'bronze_threshold',
          'competition_id',
          'created_at',
          'gold_medal',
          'gold_threshold',
          'is_lower_better',
          'median_threshold',
          'percentile_rank',
          'score',
          'silver_medal',
          'silver_threshold',
          'submission_exists',
          'submission_path',
          'valid_submission',
        ].sort(),
      );
      expect(typeof c.gold_threshold).toBe('number');
      // The exported file is the pick's test predictions: graded again against the competition's
      // own answers (what `mlebench grade` would do), it gets the reported score.
      const id = c.competition_id as string;
      const answers = join(data, id, 'prepared', reg.find(id)!.manifest.data.answers);
      expect(gradeSubmission(id, join(studyDir, c.submission_path as string), answers).score, id).toBe(
        c.score,
      );
    }
  }, 600_000);

  it('with the default (template) agent, aira run names the competitions it cannot serve and what to use instead, before anything starts', () => {
    const r = aira(
      'run',
      '--suite',
      'mlebench-30',
      '--max-jobs',
      '1',
      '--workers',
      `hosts:${join(root, 'no-hosts-file')}`,
    );
    const warned = r.stderr
      .split('\n')
      .filter((l) => /^ {2}[a-z0-9-]+: /.test(l))
      .map((l) => l.trim().split(':')[0]);
    expect(r.stderr).toMatch(
      /^template agent: cannot write a valid solution for \d+ of 30 competition\(s\)/m,
    );
    for (const id of [
      'aptos2019-blindness-detection',
      'hms-harmful-brain-activity-classification',
      'tweet-sentiment-extraction',
    ])
      expect(warned).toContain(id);
    expect(warned).not.toContain('spooky-author-identification');
    expect(r.stderr).toMatch(
      /use an LLM agent \(--agent react or --agent operators.*--agent script --script FILE/,
    );
    // Said before the workers were reached (the hosts file is the first thing the study needs).
    expect(r.stderr.indexOf('template agent:')).toBeLessThan(r.stderr.indexOf('hosts file'));
    expect(r.status).not.toBe(0);
  }, 120_000);
});
