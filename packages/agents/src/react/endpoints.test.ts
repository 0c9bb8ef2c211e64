import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, toolResults, type Step } from '../llm/test-support/loopback.js';
import { llmStudy, sessionOf, solution, writeCommand, type Bench } from '../llm/test-support/study.js';
import { useLoopbackBench } from '../llm/test-support/hooks.js';

/** Several models and endpoints in one run: a model per role, and a fallback while the main endpoint is down. */

const hooks = useLoopbackBench('aira-react-endpoints-');
const serve = hooks.serve;
let bench: Bench;
beforeAll(() => {
  bench = hooks.bench();
});

const writeAndSubmit: Step = (req) => {
  const s = sessionOf(req);
  return {
    toolCalls: [
      call('bash', { command: writeCommand('solution.py', solution(s)) }),
      call('submit', { path: 'solution.py' }),
    ],
  };
};

describe('several endpoints', () => {
  it("drafts with the draft role's model; while the main endpoint is down its fallback takes the calls", async () => {
    const down = await serve(
      Array.from({ length: 2 }, () => ({ status: 503, message: 'the model is loading' })),
    );
    const backup = await serve([writeAndSubmit, writeAndSubmit]);
    const v = await llmStudy(bench, 'fallback', backup, {
      budget: { maxJobs: 2 },
      llm: {
        baseUrl: down.url,
        maxRetries: 1,
        fallbacks: [backup.url],
        roles: { draft: 'drafter' },
        model: 'main-model',
      },
    });
    expect(v.reason).toBe('max-jobs');
    // The main endpoint failed the first call (1 + 1 retry) and is passed over from then on.
    expect(down.requests.map((r) => r.body.model)).toEqual(['drafter', 'drafter']);
    // The fallback served both jobs, each with its role's model: the draft's own, then the main one.
    const jobs = v.events.flatMap((e) => (e.type === 'job.created' ? [e.job.operator] : []));
    expect(jobs[0]).toBe('draft');
    expect(backup.requests.map((r) => r.body.model)).toEqual([
      'drafter',
      jobs[1] === 'draft' ? 'drafter' : 'main-model',
    ]);
    expect(v.candidates.every((c) => c.scores.valid)).toBe(true);
    expect(v.costs.map((c) => c.detail?.model)).toEqual(backup.requests.map((r) => r.body.model));
    const log = readFileSync(join(v.runDir, 'llm', 'j0001-a1.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log.find((e) => e.kind === 'fallback')).toMatchObject({
      from: down.url,
      to: backup.url,
      toModel: 'drafter',
    });
  }, 120_000);

  it('a trajectory through a server with every quirk at once still submits', async () => {
    let s!: ReturnType<typeof sessionOf>;
    const llm = await serve([
      // A reasoning model whose server splits one call over two entries.
      (req) => {
        s = sessionOf(req);
        const args = JSON.stringify({ command: writeCommand('solution.py', solution(s)) });
        return {
          message: {
            role: 'assistant',
            content: null,
            reasoning_content: 'I should write the solution first.',
            tool_calls: [
              { id: 'call_w', type: 'function', function: { name: 'bash', arguments: args.slice(0, 20) } },
              { id: 'call_w', type: 'function', function: { arguments: args.slice(20) } },
            ],
          },
        };
      },
      // The connection drops in the middle of the reply, then the server is overloaded for a moment.
      { content: 'x'.repeat(500), resetAfterBytes: 40 },
      { status: 503, message: 'overloaded', headers: { 'retry-after': '0' } },
      // No tool parser: the call comes as Hermes-style text, and the server sends no usage.
      (req) => {
        expect(JSON.stringify(req.messages)).not.toContain('I should write'); // reasoning is not sent back
        return {
          content: `<tool_call>\n{"name": "bash", "arguments": {"command": "${s.python} solution.py"}}\n</tool_call>`,
          usage: null,
        };
      },
      // Cut off at the reply's token limit in the middle of a call: answered, not run.
      (req) => {
        expect(toolResults(req).at(-1)).toContain('fit on');
        return {
          toolCalls: [{ name: 'bash', arguments: '{"command": "rm -rf solu' }],
          finishReason: 'length',
        };
      },
      (req) => {
        expect(toolResults(req).at(-1)).toMatch(/cut off at its token limit/);
        return { toolCalls: [call('submit', { path: 'solution.py', summary: 'through every quirk' })] };
      },
    ]);
    const v = await llmStudy(bench, 'quirks', llm, { llm: { maxRetries: 3 } });
    expect(llm.remaining).toBe(0);
    expect(v.reason).toBe('max-jobs');
    expect(v.candidates[0]).toMatchObject({ summary: 'through every quirk', scores: { valid: true } });
    const replies = v.steps.filter((x) => x.kind === 'react.llm');
    expect(replies[0]).toMatchObject({ reasoning: 'I should write the solution first.' });
    expect(replies[1]).toMatchObject({ attempts: 3 });
    expect(v.costs.map((c) => c.detail?.estimated ?? false)).toEqual([false, true, false, false]); // the reply without usage is estimated
  }, 120_000);
});
