import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '@aira/competitions';
import { mlebenchRegistryDir } from '@aira/grading';
import { prepareHce } from '@aira/hce';

/**
 * MLE-bench-30 end to end on synthetic data, through the built CLI as a user types it:
 * `aira data synth --suite mlebench-30` → `aira run` with the script agent (one job per
 * competition, a candidate that copies each part's sample submission) on a real local worker
 * daemon → HCE split, worker transfer, grading of search/validation/test → the study report and
 * MLE-bench's grading report name each pick's percentile on the competition's real leaderboard.
 */

const AIRA = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/aira.js');

/**
 * MLE-bench-30 competitions whose HCE split recipe (split.method "custom") is not in this tree
 * yet: they are written on a parallel branch together with their synthetic-data writers. Until
 * then each must stop at the split with HCE's "no recipe" message; remove an id here when its
 * recipe lands, and the test runs it end to end like the others.
 */
const AWAITING_SPLIT_RECIPES: readonly string[] = [
  'billion-word-imputation',
  'freesound-audio-tagging-2019',
  'h-and-m-personalized-fashion-recommendations',
  'hubmap-kidney-segmentation',
  'jigsaw-unintended-bias-in-toxicity-classification',
  'multi-modal-gesture-recognition',
  'osic-pulmonary-fibrosis-progression',
  'tensorflow2-question-answering',
  'uw-madison-gi-tract-image-segmentation',
  'whale-categorization-playground',
  'nfl-player-contact-detection',
  'smartphone-decimeter-2022',
  'stanford-covid-vaccine',
];

// MLE-bench's registry (AIRA_MLEBENCH_DIR, else ../shared/mlebench) holds the real leaderboards.
const registry = mlebenchRegistryDir();
const haveRegistry = registry !== null && existsSync(registry);
if (!haveRegistry) console.warn(`mlebench-30 end to end: no MLE-bench registry at ${registry ?? '../shared/mlebench'} (set AIRA_MLEBENCH_DIR); the leaderboard checks are skipped`);

/** The candidate: copies each part's sample submission to the prediction file HCE asks for. */
const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../tools/mlebench/sample_submissions.py');

const root = mkdtempSync(join(tmpdir(), 'aira-mlebench30-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const data = join(root, 'data');
const env = { ...process.env, AIRA_MLEBENCH_DATA: data, AIRA_HCE_CACHE: join(root, 'hce'), AIRA_OUT: join(root, 'runs') };
const aira = (...args: string[]) => spawnSync(process.execPath, [AIRA, ...args], { encoding: 'utf8', env, cwd: root });

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

let suite: string[] = [];

beforeAll(async () => {
  suite = (await loadRegistry()).resolveSuite('mlebench-30').ids;
});

describe('MLE-bench-30 on synthetic data', () => {
  it('aira data synth writes every competition that has a writer, in the layout aira data check expects', () => {
    const r = aira('data', 'synth', '--suite', 'mlebench-30', '--out', data, '--size', '30', '--seed', '1');
    const written = suite.filter((id) => new RegExp(`^${id}\\s+written`, 'm').test(r.stdout));
    const unwritten = suite.filter((id) => !written.includes(id));
    // Only competitions still awaiting their recipe (and writer) may lack data.
    expect(unwritten.filter((id) => !AWAITING_SPLIT_RECIPES.includes(id))).toEqual([]);
    expect(r.status).toBe(unwritten.length ? 1 : 0);
    expect(r.stdout).toContain('this data is invented');
    const check = JSON.parse(aira('data', 'check', ...written, '--data', data, '--quick', '--json').stdout) as { competitions: Array<{ id: string; state: string; detail: string }> };
    for (const s of check.competitions) expect(`${s.id}: ${s.state} (${s.detail})`).toBe(`${s.id}: ok (${s.detail})`);
  });

  it('every competition with an HCE split runs end to end on a real worker and is ranked on its real leaderboard', async () => {
    const runnable = suite.filter((id) => !AWAITING_SPLIT_RECIPES.includes(id));
    const suiteFile = join(root, 'suite.yaml');
    writeFileSync(suiteFile, `description: MLE-bench-30 minus the competitions awaiting a split recipe\ncompetitions:\n${runnable.map((id) => `  - ${id}`).join('\n')}\n`);
    const r = await airaAsync([
      'run', '--suite', AWAITING_SPLIT_RECIPES.length ? suiteFile : 'mlebench-30',
      '--agent', 'script', '--script', SCRIPT, '--interpreter', '/usr/bin/python3',
      '--max-jobs', '1', '--workers', 'local:1', '--budget', '10m', '--quiet',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const studyDir = dirname(/^report: (.*report\.md)$/m.exec(r.stdout)![1]!);
    const report = JSON.parse(readFileSync(join(studyDir, 'report.json'), 'utf8')) as {
      runs: Array<{ competition: string; state: string; valid: number; pick: { search: number | null; validation: number | null; test: number | null; percentileRank: number; leaderboard: { kind: string } | null } | null }>;
    };
    expect(report.runs.map((x) => x.competition).sort()).toEqual([...runnable].sort());
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
    for (const id of runnable) expect(md).toContain(`## ${id}`);
    if (!haveRegistry) return;
    expect(md).toMatch(/On the Kaggle leaderboard \(MLE-bench\): percentile rank [\d.]+, medal: /);
    // MLE-bench's grading-report format, one report per run, its submissions beside it.
    const g = JSON.parse(readFileSync(join(studyDir, 'mlebench', 'grading_report.json'), 'utf8')) as { total_runs: number; total_valid_submissions: number; competition_reports: Array<Record<string, unknown>> };
    expect(g.total_runs).toBe(runnable.length);
    expect(g.total_valid_submissions).toBe(runnable.length);
    for (const c of g.competition_reports) {
      expect(Object.keys(c).sort()).toEqual(['above_median', 'any_medal', 'bronze_medal', 'bronze_threshold', 'competition_id', 'created_at', 'gold_medal', 'gold_threshold', 'is_lower_better', 'median_threshold', 'percentile_rank', 'score', 'silver_medal', 'silver_threshold', 'submission_exists', 'submission_path', 'valid_submission'].sort());
      expect(typeof c.gold_threshold).toBe('number');
      expect(existsSync(join(studyDir, c.submission_path as string))).toBe(true);
    }
  }, 600_000);

  it('with the default (template) agent, aira run names the competitions it cannot serve and what to use instead, before anything starts', () => {
    const r = aira('run', '--suite', 'mlebench-30', '--max-jobs', '1', '--workers', `hosts:${join(root, 'no-hosts-file')}`);
    const warned = r.stderr.split('\n').filter((l) => /^ {2}[a-z0-9-]+: /.test(l)).map((l) => l.trim().split(':')[0]);
    expect(r.stderr).toMatch(/^template agent: cannot write a valid solution for \d+ of 30 competition\(s\)/m);
    for (const id of ['aptos2019-blindness-detection', 'hms-harmful-brain-activity-classification', 'tweet-sentiment-extraction']) expect(warned).toContain(id);
    expect(warned).not.toContain('spooky-author-identification');
    expect(r.stderr).toMatch(/use an LLM agent \(--agent react or --agent operators.*--agent script --script FILE/);
    // Said before the workers were reached (the hosts file is the first thing the study needs).
    expect(r.stderr.indexOf('template agent:')).toBeLessThan(r.stderr.indexOf('hosts file'));
    expect(r.status).not.toBe(0);
  });

  it.skipIf(AWAITING_SPLIT_RECIPES.length === 0)('competitions awaiting their recipe stop at the split, naming the missing recipe', async () => {
    const reg = await loadRegistry();
    for (const id of AWAITING_SPLIT_RECIPES) {
      // Their data may not be written yet; the split is refused before any file is read.
      if (!existsSync(join(data, id, 'prepared', 'public'))) mkdirSync(join(data, id, 'prepared', 'public'), { recursive: true });
      const c = reg.create(id, { dataDir: data });
      await expect(prepareHce(c, { cacheDir: join(root, 'hce') })).rejects.toThrow(new RegExp(`split.method is "custom" but .* HCE has no recipe for ${id}`));
    }
  });
});
