import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArtifactStore,
  cliWorkerLauncher,
  defaultRegistry,
  readJournal,
  registerEvaluator,
  RunConfig,
  SELF_REPORTED,
  runStudy,
  type CandidateRecord,
  type JournalEvent,
  type StudyResult,
} from '@aira/coordinator';
import { airaBin, assertBuilt } from '@aira/testing';
import { diabetes, writePublic, type PublicFolder } from '../test-support/datasets.js';
import { hiddenSplitEvaluator } from '../test-support/evaluator.js';
import { readPredictions, rmse } from '../test-support/metrics.js';
import { registerTemplateAgent } from './index.js';
import { parseHeader } from './render.js';
import { diffChoices } from './choices.js';

/**
 * The template agent in a real study: 2 local worker daemons (`aira worker`, the built CLI), the
 * diabetes data laid out as an HCE public folder and graded here on hidden answers, 5 seeds of
 * 20 jobs each (about a hundred real scikit-learn runs; the data is 442 rows so each takes a
 * second or two of CPU).
 */

const AIRA_BIN = airaBin();
const SEEDS = [0, 1, 2, 3, 4];
const JOBS = 20;

let root: string;
let pub: PublicFolder;
let study: StudyResult;
let seconds: number;

interface RunView {
  runId: string;
  dir: string;
  events: JournalEvent[];
  candidates: CandidateRecord[];
  store: ArtifactStore;
}
let runs: RunView[];

beforeAll(async () => {
  assertBuilt('the workers run the built CLI');
  // One thread per scikit-learn fit: two workers share the machine's cores, as a worker shares a node.
  process.env.OMP_NUM_THREADS = '1';
  root = mkdtempSync(join(tmpdir(), 'aira-template-run-'));
  const ds = diabetes();
  pub = writePublic(ds, join(root, 'public'));
  const registry = registerTemplateAgent(defaultRegistry());
  registerEvaluator(registry, {
    id: SELF_REPORTED,
    description: 'the diabetes data graded on hidden splits',
    create: hiddenSplitEvaluator(ds, pub, rmse),
  });
  const config = RunConfig.parse({
    competitions: ['sk-diabetes'],
    seeds: SEEDS,
    out: join(root, 'runs'),
    hce: 'off',
    direction: 'minimize',
    agent: { name: 'template' },
    budget: { maxJobs: JOBS, wallClock: 20 * 60_000 },
    workers: { spec: ['local:2'] },
  });
  const t0 = Date.now();
  study = await runStudy(config, {
    registry,
    launcher: cliWorkerLauncher(AIRA_BIN, ['--log-level', 'warn']),
  });
  seconds = (Date.now() - t0) / 1000;
  runs = study.runs.map((r) => {
    const dir = join(study.dir, r.runId);
    const events = readJournal(join(dir, 'journal.jsonl')).events;
    const candidates = events
      .flatMap((e) => (e.type === 'candidate.added' ? [e.candidate] : []))
      .sort((a, b) => a.id.localeCompare(b.id));
    return { runId: r.runId, dir, events, candidates, store: new ArtifactStore(join(dir, 'artifacts')) };
  });
  const jobs = runs.reduce((s, r) => s + r.candidates.length, 0);
  console.info(
    `template study: ${jobs} jobs on 2 local workers in ${seconds.toFixed(0)} s (${((2 * seconds) / jobs).toFixed(2)} worker-seconds per job)`,
  );
}, 30 * 60_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const best = (cs: CandidateRecord[]) =>
  Math.min(...cs.filter((c) => c.scores.valid).map((c) => c.scores.search as number));
const jobIndex = (c: CandidateRecord) => Number(c.id.slice(1));

describe('the template agent on 2 local workers (diabetes, RMSE graded on hidden answers)', () => {
  it('runs every job of every seed, and the manifest names the template agent', () => {
    expect(study.runs.map((r) => r.reason)).toEqual(SEEDS.map(() => 'max-jobs'));
    for (const r of runs) {
      expect(r.candidates).toHaveLength(JOBS);
      const manifest = JSON.parse(readFileSync(join(r.dir, 'manifest.json'), 'utf8')) as { agent: string };
      expect(manifest.agent).toBe('template');
    }
  });

  it('writes valid predictions from its first job', () => {
    const y = [...pub.answers.test.values()].map(Number);
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const trivial = Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length);
    for (const r of runs) {
      const first = r.candidates[0]!;
      expect(first.id).toBe('c0001');
      expect(first.operator).toBe('draft');
      expect(first.scores.valid, first.scores.reason).toBe(true);
      expect(Object.keys(first.artifacts).sort()).toEqual([
        'submission/search.csv',
        'submission/test.csv',
        'submission/validation.csv',
      ]);
      const test = readPredictions(r.store.text(first.artifacts['submission/test.csv']!));
      expect(rmse(pub.answers.test, test.rows)).toBeLessThan(trivial);
      expect(first.scores.test).toBeLessThan(trivial);
    }
  });

  it('improves with more jobs: the best search score after 20 jobs beats the one after 4 in at least 3 of 5 seeds', () => {
    const table = runs.map((r) => ({
      run: r.runId,
      at4: best(r.candidates.filter((c) => jobIndex(c) <= 4)),
      at20: best(r.candidates),
    }));
    console.info(
      table
        .map(
          (t) =>
            `${t.run}: best search RMSE ${t.at4.toFixed(3)} after 4 jobs, ${t.at20.toFixed(3)} after ${JOBS}`,
        )
        .join('\n'),
    );
    expect(table.filter((t) => t.at20 < t.at4).length).toBeGreaterThanOrEqual(3);
  });

  it("builds mutations and crossovers on their parents' choices, read back from the parents' code", () => {
    let mutations = 0;
    let crossovers = 0;
    for (const r of runs) {
      const byId = new Map(r.candidates.map((c) => [c.id, c]));
      const plans = new Map(
        r.events.flatMap((e) =>
          e.type === 'step' && e.step.kind === 'template.plan' ? [[e.jobId, e.step]] : [],
        ),
      );
      for (const c of r.candidates) {
        if (c.operator !== 'mutate' && c.operator !== 'crossover') continue;
        const child = parseHeader(r.store.text(c.code))!;
        const parents = c.parents.map((p) => parseHeader(r.store.text(byId.get(p)!.code))!);
        const plan = plans.get(c.jobId) as { operator: string; changes: unknown[] };
        expect(plan.operator).toBe(c.operator);
        if (c.operator === 'mutate') {
          mutations++;
          expect(diffChoices(parents[0]!.choices, child.choices)).toEqual(plan.changes);
          expect(plan.changes.length).toBeGreaterThan(0);
        } else {
          crossovers++;
          for (const [k, v] of Object.entries(child.choices)) {
            if (k in parents[0]!.choices && k in parents[1]!.choices)
              expect([parents[0]!.choices[k], parents[1]!.choices[k]]).toContainEqual(v);
          }
        }
      }
    }
    console.info(`${mutations} mutations and ${crossovers} crossovers checked against their parents`);
    expect(mutations).toBeGreaterThan(40);
    expect(crossovers).toBeGreaterThan(0);
  });

  // The space offers no combination scikit-learn refuses, so crashes are rare here; scripts.test.ts
  // makes one on purpose. Whatever does crash must look like this, and not stop the search.
  it('a template that crashes is an invalid candidate with its traceback, and the search goes on', () => {
    const crashed = runs.flatMap((r) => r.candidates.filter((c) => !c.scores.valid).map((c) => ({ r, c })));
    console.info(
      `${crashed.length} invalid candidates: ${[...new Set(crashed.map(({ c }) => (c.scores.reason ?? '').split('\n').pop()))].join(' | ')}`,
    );
    for (const { r, c } of crashed) {
      expect(c.scores.reason).toMatch(
        /^solution\.py exited with code 1\nTraceback \(most recent call last\):[\s\S]*\n[\w.]*Error: /,
      );
      // Its code is the script that crashed; jobs after it ran and produced valid candidates.
      expect(parseHeader(r.store.text(c.code))).not.toBeNull();
      if (jobIndex(c) < JOBS)
        expect(r.candidates.some((x) => jobIndex(x) > jobIndex(c) && x.scores.valid)).toBe(true);
    }
  });
});
