import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  RunConfig,
  readJournal,
  type CandidateRecord,
  type Evaluator,
  type Job,
  type JournalEvent,
  type Scores,
  type Submission,
} from '@aira/coordinator';
import { mlebenchRegistryDir } from '@aira/grading';
import { hceEvaluator, hceOffEvaluator } from './evaluator.js';
import { pickAt, picksAtCheckpoints } from './pick.js';
import { prepareHce } from './prepare.js';
import { fixtureCompetition, tempDir, writeFile } from './test-support/fixtures.js';
import { perfectSubmission } from './test-support/perfect.js';

const root = tempDir('eval');
// MLE-bench's registry (AIRA_MLEBENCH_DIR, else ../shared/mlebench) holds the leaderboard; a bare clone lacks it.
const registry = mlebenchRegistryDir();
const haveRegistry = registry !== null && existsSync(registry);
const ID = 'spooky-author-identification';
const config = RunConfig.parse({ competitions: [ID], agent: { script: 'x.py' } });

const job = (id: string, attempt = 1): Job => ({
  spec: { id, index: Number(id.slice(1)), operator: 'draft', parents: [], seed: 1, debugDepth: 0 },
  runId: 'r',
  attempt,
  parents: [],
  task: { competition: ID, direction: 'minimize' },
});

const submission = (files: Record<string, string>, output = '', exitCode = 0): Submission => ({
  code: 'print(1)',
  codePath: 'solution.py',
  files: Object.entries(files).map(([path, text]) => ({ path, data: Buffer.from(text) })),
  output,
  exitCode,
});

/** Predictions with a given confidence in the true class (1: perfect, 1/3: uniform, < 1/3: wrong). */
async function predictions(sample: string, answers: string, p: number): Promise<string> {
  const perfect = await perfectSubmission(sample, answers);
  const [head, ...rows] = perfect.trim().split('\n');
  const q = (1 - p) / 2;
  return (
    [
      head,
      ...rows.map((r) => {
        const [id, ...v] = r.split(',');
        return [id, ...v.map((x) => (x === '1' ? p : q).toFixed(6))].join(',');
      }),
    ].join('\n') + '\n'
  );
}

let journal: JournalEvent[] = [];
const emit = (runDir: string, body: Record<string, unknown>, active = 0) => {
  const e = { seq: journal.length, t: Date.now(), active, ...body } as JournalEvent;
  journal.push(e);
  writeFileSync(join(runDir, 'journal.jsonl'), journal.map((x) => JSON.stringify(x)).join('\n') + '\n');
};

const record = (id: string, scores: Scores, activeMs: number): CandidateRecord => ({
  id,
  jobId: `j${id.slice(1)}`,
  operator: 'draft',
  parents: [],
  attempt: 1,
  workerId: 'w1',
  debugDepth: 0,
  code: { sha256: 'x', size: 1 },
  artifacts: {},
  output: { sha256: 'x', size: 1 },
  scores,
  timings: { startedAt: 0, submittedAt: 0, evaluatedAt: 0, activeMs },
});

describe('the HCE evaluator', () => {
  it('grades search, validation and test here; the agent-facing reason speaks of the search file only', async () => {
    const c = await fixtureCompetition(ID, join(root, 'data'), 300);
    const runDir = join(root, 'run');
    journal = [];
    writeFile(join(runDir, '.keep'), '');
    emit(runDir, {
      type: 'run.started',
      studyId: 's',
      runId: 'r',
      seed: 0,
      competition: ID,
      policy: 'greedy',
      search: {},
      direction: 'maximize',
    });
    emit(runDir, {
      type: 'worker.joined',
      workerId: 'w1',
      info: { address: 'x', source: 'local', sandbox: 'bubblewrap' },
    });
    emit(runDir, {
      type: 'worker.joined',
      workerId: 'w2',
      info: { address: 'y', source: 'local', sandbox: 'none' },
    });
    const ev: Evaluator = hceEvaluator({ resolve: () => c, cacheDir: join(root, 'cache') })(config);
    const task = await ev.prepare({ runId: 'r', competition: ID, config, runDir });
    const s = await prepareHce(c, { cacheDir: join(root, 'cache') });
    expect(task.dataPath).toBe(s.publicDir);
    const sample = (part: 'search' | 'validation' | 'test') => join(s.publicDir, s.manifest.samples[part]);
    const files = async (p: { search: number; validation: number; test: number }) => ({
      'submission/search.csv': await predictions(sample('search'), s.answers.search, p.search),
      'submission/validation.csv': await predictions(
        sample('validation'),
        s.answers.validation,
        p.validation,
      ),
      'submission/test.csv': await predictions(sample('test'), s.answers.test, p.test),
    });

    // Candidates: c1 good on validation, c2 best on search only, c3 best on validation and test.
    const plan = [
      { id: 'c1', p: { search: 0.6, validation: 0.7, test: 0.7 }, at: 1_000, worker: 'w1' },
      { id: 'c2', p: { search: 0.95, validation: 0.5, test: 0.5 }, at: 4_000, worker: 'w1' },
      { id: 'c3', p: { search: 0.8, validation: 0.9, test: 0.9 }, at: 8_000, worker: 'w2' },
    ];
    for (const [k, c0] of plan.entries()) {
      emit(
        runDir,
        { type: 'attempt.started', jobId: `j${k + 1}`, attempt: 1, workerId: c0.worker },
        c0.at - 10,
      );
      const scores = await ev.evaluate(submission(await files(c0.p)), {
        job: job(`j${k + 1}`),
        runDir,
        signal: new AbortController().signal,
        // The session's protection, as the coordinator passes it: each worker's sandbox.
        protection: c0.worker === 'w1' ? 'bubblewrap' : 'none',
      });
      expect(scores.valid).toBe(true);
      expect(scores.details).toMatchObject({
        direction: 'minimize',
        protection: { sandbox: c0.worker === 'w1' ? 'bubblewrap' : 'none' },
      });
      emit(runDir, { type: 'candidate.added', candidate: record(c0.id, scores, c0.at) }, c0.at);
    }
    const scores = (id: string) =>
      (
        journal.find((e) => e.type === 'candidate.added' && e.candidate.id === id) as Extract<
          JournalEvent,
          { type: 'candidate.added' }
        >
      ).candidate.scores;
    // Log loss: more confidence in the truth is lower.
    expect(scores('c2').search!).toBeLessThan(scores('c3').search!);
    expect(scores('c3').validation!).toBeLessThan(scores('c1').validation!);
    if (haveRegistry) {
      expect(scores('c3').details!.test).toMatchObject({ valid: true, leaderboard: { kind: 'mlebench' } });
      expect((scores('c3').details!.test as { percentileRank: number }).percentileRank).toBeGreaterThan(
        (scores('c2').details!.test as { percentileRank: number }).percentileRank,
      );
    } else {
      console.warn(
        `hce evaluator: no MLE-bench registry at ${registry ?? '../shared/mlebench'} (set AIRA_MLEBENCH_DIR); test grades are checked without a leaderboard rank`,
      );
      expect(scores('c3').details!.test).toMatchObject({
        valid: true,
        leaderboard: null,
        percentileRank: null,
      });
    }

    // Missing and invalid search files: invalid, with a reason about the search file alone.
    const missing = await ev.evaluate(submission({}, 'Traceback: boom\n', 1), {
      job: job('j9'),
      runDir,
      signal: new AbortController().signal,
      protection: 'bubblewrap',
    });
    expect(missing).toMatchObject({ valid: false, search: null, validation: null, test: null });
    expect(missing.reason).toMatch(
      /^no submission\/search\.csv was written \(the solution exited with code 1: Traceback: boom\)$/,
    );
    const bad = await ev.evaluate(
      submission({ ...(await files(plan[0]!.p)), 'submission/search.csv': 'id,EAP\nx,1\n' }),
      { job: job('j9'), runDir, signal: new AbortController().signal, protection: 'bubblewrap' },
    );
    expect(bad.valid).toBe(false);
    expect(bad.reason).toMatch(/^submission\/search\.csv is invalid: /);
    expect(bad.reason).not.toMatch(/validation|test\.csv/);
    expect(bad.validation).not.toBeNull();

    // Final pick from the journal at each checkpoint: best validation among candidates added by then.
    const file = join(runDir, 'journal.jsonl');
    expect(readJournal(file).events).toHaveLength(journal.length);
    const picks = picksAtCheckpoints(file, [500, 2_000, 5_000, Infinity]);
    expect(picks.map((p) => p.candidateId)).toEqual([null, 'c1', 'c1', 'c3']);
    expect(picks[0]).toMatchObject({ by: null, percentileRank: 0, test: null });
    expect(picks[3]).toMatchObject({
      by: 'validation',
      direction: 'minimize',
      unprotected: true,
      test: scores('c3').test,
      validation: scores('c3').validation,
    });
    if (haveRegistry)
      expect(picks[3]!.percentileRank).toBe(
        (scores('c3').details!.test as { percentileRank: number }).percentileRank,
      );
    // Comparison rules: on search (c2) and the oracle on test (c3).
    expect(pickAt(file, Infinity, 'search').candidateId).toBe('c2');
    expect(pickAt(file, Infinity, 'oracle').candidateId).toBe('c3');
    expect(
      pickAt(
        journal.filter((e) => !(e.type === 'worker.joined' && e.workerId === 'w2')),
        Infinity,
      ).unprotected,
    ).toBe(false);
  });
});

describe('a resumed run', () => {
  it('is refused when its split changed since it started (other data or another split seed)', async () => {
    const c = await fixtureCompetition(ID, join(root, 'data'), 300);
    const runDir = join(root, 'run-resume');
    writeFile(join(runDir, '.keep'), '');
    const prepare = (splitSeed: number) =>
      hceEvaluator({ resolve: () => c, cacheDir: join(root, 'cache'), splitSeed })(config).prepare({
        runId: 'r',
        competition: ID,
        config,
        runDir,
      });
    await prepare(0);
    await prepare(0);
    expect(JSON.parse(readFileSync(join(runDir, 'hce-split.json'), 'utf8'))).toMatchObject({
      splitSeed: 0,
      competition: ID,
    });
    await expect(prepare(3)).rejects.toThrow(
      /hce: this run was scored on split \w+ \(split seed 0\) but the split is now \w+ \(split seed 3\)/,
    );
  });
});

describe('the no-HCE evaluator (--hce off)', () => {
  it('scores by the printed score, picks on it, and grades test for the report only', async () => {
    const c = await fixtureCompetition(ID, join(root, 'data'), 300);
    const runDir = join(root, 'run-off');
    journal = [];
    writeFile(join(runDir, '.keep'), '');
    emit(runDir, {
      type: 'run.started',
      studyId: 's',
      runId: 'r',
      seed: 0,
      competition: ID,
      policy: 'greedy',
      search: {},
      direction: 'maximize',
    });
    const ev = hceOffEvaluator({ resolve: () => c, cacheDir: join(root, 'cache') })(config);
    expect(ev.name).toBe('self-reported');
    const task = await ev.prepare({ runId: 'r', competition: ID, config, runDir });
    expect(task.direction).toBe('minimize');
    expect(readFileSync(join(task.dataPath!, 'train.csv'))).toEqual(
      readFileSync(join(c.paths.public, 'train.csv')),
    );
    const test = await predictions(c.paths.sampleSubmission, c.paths.answers, 0.9);
    const scores = await ev.evaluate(
      submission({ 'submission/test.csv': test }, 'cv logloss\nscore: 0.0\n'),
      { job: job('j1'), runDir, signal: new AbortController().signal, protection: 'none' },
    );
    expect(scores).toMatchObject({ valid: true, search: 0 });
    expect(scores.validation).toBeUndefined();
    expect(scores.test).toBeGreaterThan(0);
    expect(scores.details!.test).toMatchObject({ valid: true });
    const none = await ev.evaluate(submission({}, 'no score here'), {
      job: job('j2'),
      runDir,
      signal: new AbortController().signal,
      protection: 'none',
    });
    expect(none).toMatchObject({ valid: false, test: null });

    // Without a competition it is the coordinator's self-reported evaluator.
    const plain = hceOffEvaluator({ resolve: () => c })(config);
    expect(await plain.prepare({ runId: 'r', competition: null, config, runDir })).toMatchObject({
      competition: null,
      direction: 'maximize',
    });
  });
});
