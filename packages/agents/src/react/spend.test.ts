import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resumeStudy, runStudy, StudySpend, studyStatus, RunConfig } from '@aira/coordinator';
import { call, type Reply, type Step } from '../llm/test-support/loopback.js';
import {
  benchRegistry,
  llmConfig,
  sessionOf,
  solution,
  studyView,
  writeCommand,
  type Bench,
} from '../llm/test-support/study.js';
import { useLoopbackBench } from '../llm/test-support/hooks.js';

/**
 * Spending limits in real studies (a real worker, the loopback server pricing each reply at $1):
 * the study-wide cap ends runs cleanly and a resume with a raised cap lets the capped run go on;
 * the hourly limit holds calls back.
 */

const hooks = useLoopbackBench('aira-react-spend-');
const serve = hooks.serve;
let bench: Bench;
beforeAll(() => {
  bench = hooks.bench();
});

/** One reply of 1M prompt tokens ($1 at $1/M) that writes the solution and submits it. */
const writeAndSubmit: Step = (req) => {
  const s = sessionOf(req);
  return {
    toolCalls: [
      call('bash', { command: writeCommand('solution.py', solution(s)) }),
      call('submit', { path: 'solution.py' }),
    ],
    usage: { prompt: 1_000_000, completion: 0 },
  };
};
const echo = (text: string): Reply => ({
  toolCalls: [call('bash', { command: `echo ${text}` })],
  usage: { prompt: 1_000_000, completion: 0 },
});
const prices = { input: 1, output: 1 };

describe('spending limits', () => {
  it('a study-wide cap ends the capped run cleanly; resumed with a raised cap, that run goes on', async () => {
    const llm = await serve(Array.from({ length: 4 }, () => writeAndSubmit));
    const config = llmConfig(bench, 'study-cap', llm, {
      seeds: [0, 1],
      budget: { maxJobs: 2, studyCostUsd: 3 },
      llm: { prices },
    });
    const registry = benchRegistry(bench);
    const first = await runStudy(config, { registry });
    expect(first.runs.map((r) => r.reason)).toEqual(['max-jobs', 'cost']);
    expect(llm.requests).toHaveLength(3);
    expect(studyStatus(first.dir).spend).toMatchObject({ calls: 3, usd: 3 });

    const resumed = await resumeStudy(first.dir, { registry, budget: { studyCostUsd: 10 } });
    expect(resumed.runs.map((r) => r.reason)).toEqual(['max-jobs', 'max-jobs']);
    expect(llm.requests).toHaveLength(4);
    const s1 = studyView(first.dir, 'script-s1', 'max-jobs');
    expect(
      s1.events
        .filter((e) => e.type === 'run.ended' || e.type === 'run.reopened')
        .map((e) => (e.type === 'run.ended' ? e.reason : e.type)),
    ).toEqual(['cost', 'run.reopened', 'max-jobs']);
    expect(s1.candidates.map((c) => c.jobId)).toEqual(['j0001', 'j0002']);
    expect(s1.candidates.every((c) => c.scores.valid)).toBe(true);
    const st = studyStatus(first.dir);
    expect(st.spend).toMatchObject({ calls: 4, usd: 4 });
    expect(st.runs.map((r) => r.state)).toEqual(['ended', 'ended']);
    // The raised cap is the study's now: a later resume keeps it.
    expect(
      (
        JSON.parse(readFileSync(join(first.dir, 'study.json'), 'utf8')) as {
          config: { budget: { studyCostUsd: number } };
        }
      ).config.budget.studyCostUsd,
    ).toBe(10);
  }, 120_000);

  it('the hourly limit holds the next call back until the study is stopped; no call goes past the limit', async () => {
    const llm = await serve([echo('one'), echo('two'), echo('never')]);
    const config = llmConfig(bench, 'hourly', llm, { budget: { costPerHour: 1.5 }, llm: { prices } });
    const stop = new AbortController();
    let tools = 0;
    const res = await runStudy(config, {
      registry: benchRegistry(bench),
      stop: stop.signal,
      onEvent: (_run, e) => {
        // Two calls ($2) are over $1.5 an hour: after the second command the job waits; give it a moment, then stop.
        if (e.type === 'step' && e.step.kind === 'react.tool' && ++tools === 2)
          setTimeout(() => stop.abort('test'), 1500);
      },
    });
    const v = studyView(res.dir, res.runs[0]!.runId, res.runs[0]!.reason);
    expect(v.reason).toBe('stopped');
    expect(llm.requests).toHaveLength(2);
    expect(v.costs.map((c) => c.usd)).toEqual([1, 1]);
    expect(v.events.filter((e) => e.type === 'attempt.cancelled')).toHaveLength(1);
  }, 60_000);

  it('computes the wait of the hourly limit from the last hour of spending', () => {
    const hour = 3_600_000;
    const s = new StudySpend(
      RunConfig.parse({ agent: { name: 'react' }, budget: { costPerHour: 2 } }).budget,
    );
    s.add(0, 1);
    expect(s.waitMs(10)).toBe(0);
    s.add(1000, 1.5);
    expect(s.waitMs(2000)).toBe(hour - 2000); // the $1 at t=0 ages out first, leaving 1.5 < 2
    expect(s.waitMs(hour + 1)).toBe(0);
    const capped = new StudySpend(
      RunConfig.parse({ agent: { name: 'react' }, budget: { studyCostUsd: 2 } }).budget,
    );
    capped.add(0, 1.99);
    expect(capped.capReached()).toBe(false);
    capped.add(1, 0.01);
    expect(capped.capReached()).toBe(true);
  });
});
