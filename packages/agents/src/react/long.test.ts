import { beforeAll, describe, expect, it } from 'vitest';
import { call, toolResults, type ChatRequest, type Reply, type Step } from '../llm/test-support/loopback.js';
import { llmStudy, sessionOf, solution, writeCommand, type Bench } from '../llm/test-support/study.js';
import { useLoopbackBench } from '../llm/test-support/hooks.js';

/**
 * Trajectories longer than the model's context window, against a real worker: the loopback server
 * refuses any prompt past its context length the way vLLM does, and every step checks that the
 * system prompt, the task and the latest observation reached the model whole.
 */

const hooks = useLoopbackBench('aira-react-long-');
const serve = hooks.serve;
let bench: Bench;
beforeAll(() => {
  bench = hooks.bench();
});

const tools = (...calls: Array<ReturnType<typeof call>>): Reply => ({ content: '', toolCalls: calls });

/**
 * A script of `n` model replies: write the solution, then `n - 2` commands with long output each
 * naming its step, then submit. Each reply checks that the opening turns are the first request's
 * and that the newest observation is the previous command's.
 */
function longScript(n: number): Step[] {
  let s!: ReturnType<typeof sessionOf>;
  let opening: ChatRequest['messages'];
  const steps: Step[] = [
    (req) => {
      s = sessionOf(req);
      opening = req.messages.slice(0, 2);
      return tools(call('bash', { command: writeCommand('solution.py', solution(s)) }));
    },
  ];
  for (let i = 2; i < n; i++) {
    steps.push((req) => {
      expect(req.messages[0]).toEqual(opening[0]); // the system prompt, whole
      expect(String(req.messages[1]!.content).startsWith(String(opening[1]!.content))).toBe(true); // the task, whole
      if (i > 2) expect(toolResults(req).at(-1)).toContain(`step ${i - 1} of ${n}`);
      return tools(call('bash', { command: `echo "step ${i} of ${n}"; seq 100000 100250` }));
    });
  }
  steps.push((req) => {
    expect(toolResults(req).at(-1)).toContain(`step ${n - 1} of ${n}`);
    return tools(call('submit', { path: 'solution.py', summary: 'least squares after a long look around' }));
  });
  return steps;
}

describe('a ReAct trajectory longer than the context window', () => {
  it('300 steps within a 4096-token model taken from its model list: every prompt fits, and the job submits', async () => {
    const model = 'scripted-long-300';
    const llm = await serve(longScript(300), {
      contextTokens: 4096,
      models: [{ id: model, max_model_len: 4096 }],
    });
    const v = await llmStudy(bench, 'long-300', llm, {
      agent: { maxSteps: 310, outputChars: 1500 },
      llm: { model, maxOutputTokens: 512 },
    });
    expect(llm.remaining).toBe(0);
    expect(llm.requests).toHaveLength(300);
    // Every request fitted the model: none was refused, and each (with the reply it asked for) is within 4096 tokens.
    expect(llm.requests.every((r) => r.status === 200)).toBe(true);
    const sizes = llm.requests.map((r) => r.promptTokens);
    expect(Math.max(...sizes) + 512).toBeLessThanOrEqual(4096);
    // Whole, the trajectory would have been many windows long.
    const observed = v.steps
      .filter((st) => st.kind === 'react.tool')
      .reduce((n, st) => n + String(st.observation).length, 0);
    expect(observed / 4).toBeGreaterThan(25 * 4096);
    const shortened = v.steps.filter((st) => st.kind === 'react.llm' && st.context);
    expect(shortened.length).toBeGreaterThan(200);
    expect(v.steps.at(-1)).toMatchObject({ kind: 'react.end', reason: 'submitted', calls: 300 });
    expect(v.candidates[0]!.scores.valid).toBe(true);
    console.info(
      `300 steps: prompt tokens min ${Math.min(...sizes)}, max ${Math.max(...sizes)}, last ${sizes.at(-1)}`,
    );
  }, 300_000);

  it('with no context length known, learns it from the refusals (vLLM 0.6 error shape) and goes on', async () => {
    const llm = await serve(longScript(40), { contextTokens: 3000, overflow: 'vllm-old' });
    const v = await llmStudy(bench, 'long-refused', llm, {
      agent: { maxSteps: 45, outputChars: 1500 },
      llm: { model: 'scripted-long-refused' },
    });
    expect(llm.remaining).toBe(0);
    const refused = llm.requests.filter((r) => r.status === 400);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThanOrEqual(3); // the first refusal names the limit; few more after
    expect(
      v.steps
        .filter((st) => st.kind === 'react.llm')
        .some((st) => (st.context as { refusals?: number } | undefined)?.refusals),
    ).toBe(true);
    expect(v.steps.at(-1)).toMatchObject({ kind: 'react.end', reason: 'submitted' });
    // Refused requests are not paid for: only the served calls reached the journal.
    expect(v.costs).toHaveLength(llm.requests.filter((r) => r.status === 200).length);
  }, 120_000);
});
