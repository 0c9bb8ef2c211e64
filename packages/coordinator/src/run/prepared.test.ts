import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvaluatorFactory } from '../agent/types.js';
import { RunConfig } from '../config/schema.js';
import { selfReportedEvaluator } from '../evaluator/self-reported.js';
import { replay } from '../state/run-state.js';
import { eventsOf, journalOf, sleepyScript, useWorkers, type TestWorkers } from '../test-support/workers.js';
import { defaultRegistry, registerEvaluator } from './registry.js';
import { resumeStudy, runStudy } from './study.js';

// One real worker daemon (`aira worker` on 127.0.0.1:0).
let workers: TestWorkers;
let root: string;
useWorkers(1, 'aira-prepared-', (w, dir) => ((workers = w), (root = dir)));

const SPLIT = { key: 'k123', splitSeed: 7, counts: { search: { rows: 10, units: 10 } } };

/**
 * The self-reported evaluator with the facts an HCE-like one has: a direction other than the
 * config's, a split, hidden answers. It keeps what each evaluation was told about protection.
 */
function factsEvaluator(seen: string[]): EvaluatorFactory {
  return (config) => {
    const base = selfReportedEvaluator(config);
    return {
      name: 'self-reported',
      prepare: async (run) => ({
        ...(await base.prepare(run)),
        direction: 'minimize',
        split: SPLIT,
        hidden: true,
      }),
      evaluate: async (submission, ctx) => {
        seen.push(ctx.protection);
        return base.evaluate(submission, ctx);
      },
    };
  };
}

describe('run.prepared', () => {
  it('is journaled once, before the first job, and kept across a resume; evaluations get the session protection', async () => {
    const seen: string[] = [];
    const registry = defaultRegistry();
    registerEvaluator(registry, {
      id: 'self-reported',
      description: 'self-reported, with the facts an HCE-like evaluator has',
      create: factsEvaluator(seen),
    });
    const script = sleepyScript(root, 0.05, 0.1);
    const config = RunConfig.parse({
      out: join(root, 'study'),
      workers: { spec: [`hosts:${workers.hostsFile}`], tokenFile: workers.tokenFile },
      agent: { script },
      direction: 'maximize',
      budget: { maxJobs: 4 },
    });
    const stop = new AbortController();
    const first = await runStudy(config, {
      registry,
      stop: stop.signal,
      onEvent: (_run, e) => e.type === 'candidate.added' && stop.abort(),
    });
    const runDir = join(first.dir, first.runs[0]!.runId);
    let events = journalOf(runDir);
    const prepared = eventsOf(events, 'run.prepared');
    expect(prepared).toHaveLength(1);
    expect(prepared[0]).toMatchObject({
      evaluator: 'self-reported',
      competition: null,
      direction: 'minimize',
      split: SPLIT,
      protection: { hidden: true },
    });
    expect(prepared[0]!.seq).toBeLessThan(eventsOf(events, 'job.created')[0]!.seq);

    const resumed = await resumeStudy(first.dir, { registry });
    expect(resumed.runs[0]!.reason).toBe('max-jobs');
    events = journalOf(runDir);
    expect(eventsOf(events, 'run.resumed')).toHaveLength(1);
    expect(eventsOf(events, 'run.prepared')).toHaveLength(1);
    const state = replay(events);
    expect(state.direction).toBe('minimize');
    expect(state.prepared).toMatchObject({ evaluator: 'self-reported', split: SPLIT });

    // Each evaluation was told what protected its session: the worker's own sandbox.
    const sandbox = eventsOf(events, 'worker.joined')[0]!.info.sandbox ?? 'none';
    expect(seen.length).toBe(state.candidates.size);
    expect(new Set(seen)).toEqual(new Set([sandbox]));
  }, 120_000);
});
