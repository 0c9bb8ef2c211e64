import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunConfig } from '@aira/coordinator';
import { LlmClient, LlmError } from './client.js';
import { ContextWindow, contextOverflow } from './context.js';
import { jsonlLog } from './log.js';
import { llmSettings, type LlmSettings } from './settings.js';
import { tempDir } from '@aira/testing';
import { LoopbackLlm, type LoopbackOptions, type Step } from './test-support/loopback.js';
import type { ToolSpec, Turn } from './types.js';

/**
 * Each endpoint's own ways, as the real openai SDK meets them over HTTP: replies shaped the way
 * vLLM, Ollama, llama.cpp's server and OpenAI send them (from their docs and sources).
 */

const servers: LoopbackLlm[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(steps: Step[], options: LoopbackOptions = {}): Promise<LoopbackLlm> {
  const s = await LoopbackLlm.start(steps, options);
  servers.push(s);
  return s;
}

let models = 0;
function client(url: string, over: Record<string, unknown> = {}): LlmClient {
  // A model name of its own per client: what one endpoint learnt (text protocol, field) stays in its test.
  const config = RunConfig.parse({
    agent: { name: 'react' },
    llm: { baseUrl: url, model: `quirks-${++models}`, retryBase: 5, ...over },
  });
  return new LlmClient(llmSettings(config, {}, 'react') as LlmSettings);
}

const turns: Turn[] = [
  { role: 'system', content: 'be brief' },
  { role: 'user', content: 'hello' },
];
const bash: ToolSpec = {
  name: 'bash',
  description: 'run',
  parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
};

describe('tool calls the way servers return them', () => {
  it('joins one call split over several tool_calls entries (name first, arguments after)', async () => {
    const s = await serve([
      {
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'bash', arguments: '{"comm' } },
            { id: 'call_a', type: 'function', function: { arguments: 'and": "ls"}' } },
            { id: 'call_b', type: 'function', function: { name: 'bash', arguments: '' } },
            { type: 'function', function: { arguments: '{"command": "pwd"}' } },
          ],
        },
      },
    ]);
    const c = await client(s.url).complete({ turns, tools: [bash], callId: 'c' });
    expect(c.toolCalls).toEqual([
      { id: 'call_a', name: 'bash', arguments: '{"command": "ls"}' },
      { id: 'call_b', name: 'bash', arguments: '{"command": "pwd"}' },
    ]);
  });

  it('reads calls a server without a tool parser leaves in the text (Hermes <tool_call> tags, a bare Llama JSON call)', async () => {
    const s = await serve([
      {
        content:
          'I will look.\n<tool_call>\n{"name": "bash", "arguments": {"command": "ls data"}}\n</tool_call>',
      },
      { content: '{"name": "bash", "parameters": {"command": "pwd"}}' },
    ]);
    const cl = client(s.url);
    const a = await cl.complete({ turns, tools: [bash], callId: 'a' });
    expect(a.toolCalls).toMatchObject([{ name: 'bash', arguments: '{"command":"ls data"}', text: true }]);
    const b = await cl.complete({ turns, tools: [bash], callId: 'b' });
    expect(b.toolCalls).toMatchObject([{ name: 'bash', arguments: '{"command":"pwd"}', text: true }]);
  });

  it('answers a call cut off at the token limit (finish_reason length) instead of running half of it', async () => {
    const s = await serve([
      {
        toolCalls: [{ name: 'bash', arguments: '{"command": "cat > solution.py <<EOF\\nimport num' }],
        finishReason: 'length',
      },
    ]);
    const c = await client(s.url).complete({ turns, tools: [bash], callId: 'c' });
    expect(c.finishReason).toBe('length');
    expect(c.toolCalls[0]!.error).toMatch(/cut off at its token limit/);
  });
});

describe('reasoning models', () => {
  it('keeps reasoning_content / reasoning in the log and the completion, and sends it back only when asked', async () => {
    const s = await serve([
      { message: { role: 'assistant', content: 'ok', reasoning_content: 'vLLM thinking' } },
      { message: { role: 'assistant', content: 'ok', reasoning: 'Ollama thinking' } },
      { content: 'done' },
      { content: 'done' },
    ]);
    const { dir, cleanup } = tempDir();
    try {
      const cl = client(s.url);
      const log = jsonlLog(join(dir, 'l.jsonl'), cl.redactor);
      const a = await cl.complete({ turns, callId: 'a', log });
      const b = await cl.complete({ turns, callId: 'b', log });
      expect([a.reasoning, b.reasoning]).toEqual(['vLLM thinking', 'Ollama thinking']);
      expect(readFileSync(join(dir, 'l.jsonl'), 'utf8')).toContain('vLLM thinking');
      const history: Turn[] = [
        ...turns,
        { role: 'assistant', content: 'ok', toolCalls: [], reasoning: 'vLLM thinking' },
        { role: 'user', content: 'go on' },
      ];
      await cl.complete({ turns: history, callId: 'c' });
      expect(JSON.stringify(s.requests[2]!.body.messages)).not.toContain('thinking');
      await client(s.url, { sendReasoning: true }).complete({ turns: history, callId: 'd' });
      expect(s.requests[3]!.body.messages[2]).toMatchObject({
        role: 'assistant',
        reasoning_content: 'vLLM thinking',
      });
    } finally {
      cleanup();
    }
  });
});

describe('request fields and failures', () => {
  it('sends max_tokens to servers, and switches to max_completion_tokens when the server refuses max_tokens', async () => {
    const s = await serve([
      {
        status: 400,
        message: '',
        body: {
          error: {
            message:
              "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
            type: 'invalid_request_error',
            param: 'max_tokens',
            code: 'unsupported_parameter',
          },
        },
      },
      { content: 'ok' },
      { content: 'ok' },
    ]);
    const cl = client(s.url, { maxOutputTokens: 300 });
    await cl.complete({ turns, callId: 'a' });
    await cl.complete({ turns, callId: 'b' });
    expect(s.requests.map((r) => [r.body.max_tokens, r.body.max_completion_tokens])).toEqual([
      [300, undefined],
      [undefined, 300],
      [undefined, 300],
    ]);
    const pinned = await serve([{ content: 'ok' }]);
    await client(pinned.url, { maxOutputTokens: 300, maxTokensField: 'max_completion_tokens' }).complete({
      turns,
      callId: 'c',
    });
    expect(pinned.requests[0]!.body.max_completion_tokens).toBe(300);
  });

  it('estimates usage when the server sends none, and marks it estimated', async () => {
    const s = await serve([{ content: 'a reply of some length', usage: null }]);
    const c = await client(s.url, { prices: { input: 1, output: 1 } }).complete({ turns, callId: 'a' });
    expect(c.usage.estimated).toBe(true);
    expect(c.usage.promptTokens).toBeGreaterThan(0);
    expect(c.usage.completionTokens).toBeGreaterThan(0);
    expect(c.costUsd).toBeGreaterThan(0);
  });

  it('retries a connection reset in the middle of a reply and a 5xx, honouring Retry-After', async () => {
    const s = await serve([
      { content: 'x'.repeat(2000), resetAfterBytes: 100 },
      { status: 503, message: 'overloaded', headers: { 'retry-after-ms': '30' } },
      { content: 'whole' },
    ]);
    const { dir, cleanup } = tempDir();
    try {
      const cl = client(s.url);
      const c = await cl.complete({ turns, callId: 'a', log: jsonlLog(join(dir, 'l.jsonl'), cl.redactor) });
      expect(c.content).toBe('whole');
      expect(c.attempts).toBe(3);
      const errors = readFileSync(join(dir, 'l.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((e) => e.kind === 'error');
      expect(errors.map((e) => [e.status, e.outcome])).toEqual([
        [null, 'retry'],
        [503, 'retry'],
      ]);
      expect(errors[1]).toMatchObject({ retryInMs: 30, retryAfter: true });
    } finally {
      cleanup();
    }
  });
});

describe('prices', () => {
  it('prices a model by its entry in the price table, an endpoint by its own prices, anything else by llm.prices', () => {
    const config = RunConfig.parse({
      agent: { name: 'react' },
      llm: {
        model: 'big',
        baseUrl: 'http://127.0.0.1:9/v1',
        prices: { input: 1, output: 1 },
        priceTable: { big: { input: 3, output: 15, cachedInput: 0.3 }, small: { input: 0.1, output: 0.4 } },
      },
    });
    expect(llmSettings(config, {}, 'react').prices).toEqual({ input: 3, output: 15, cachedInput: 0.3 });
    expect(llmSettings(config, {}, 'react', { model: 'small' }).prices).toEqual({
      input: 0.1,
      output: 0.4,
      cachedInput: 0.1,
    });
    expect(llmSettings(config, {}, 'react', { model: 'other' }).prices).toEqual({
      input: 1,
      output: 1,
      cachedInput: 1,
    });
    expect(
      llmSettings(config, {}, 'react', { model: 'small', prices: { input: 9, output: 9 } }).prices,
    ).toEqual({ input: 9, output: 9, cachedInput: 9 });
  });
});

describe('the context window', () => {
  it('reads vLLM, OpenAI and llama.cpp refusals, the old vLLM shape included', async () => {
    for (const overflow of ['vllm', 'vllm-old', 'openai', 'llamacpp'] as const) {
      const s = await serve([], { contextTokens: 10, overflow });
      const err = await client(s.url)
        .complete({ turns, callId: 'a' })
        .catch((e: unknown) => e);
      expect(err, overflow).toBeInstanceOf(LlmError);
      expect((err as LlmError).kind, overflow).toBe('context');
      expect((err as LlmError).overflow?.limit, overflow).toBe(10);
      expect((err as LlmError).overflow?.promptTokens, overflow).toBe(s.requests[0]!.promptTokens);
    }
    expect(contextOverflow(400, 'unknown model')).toBeNull();
    expect(contextOverflow(500, "This model's maximum context length is 5 tokens")).toBeNull();
  });

  it("takes the context length from vLLM's model list (max_model_len), or from the setting", async () => {
    const s = await serve([], {
      models: [
        { id: 'other', max_model_len: 99 },
        { id: 'quirks-listed', max_model_len: 32768 },
      ],
    });
    const config = RunConfig.parse({
      agent: { name: 'react' },
      llm: { baseUrl: s.url, model: 'quirks-listed' },
    });
    expect(await new LlmClient(llmSettings(config, {}, 'react')).contextLength()).toBe(32768);
    expect(await client(s.url, { contextTokens: 4096 }).contextLength()).toBe(4096);
    const bare = await serve([]);
    expect(await client(bare.url).contextLength()).toBeNull();
  });

  it('keeps the system prompt, the task and the latest steps whole; shortens, then summarizes older ones', () => {
    const w = new ContextWindow(3000, 500);
    const convo: Turn[] = [
      { role: 'system', content: 'SYSTEM PROMPT' },
      { role: 'user', content: `TASK ${'t'.repeat(400)}` },
    ];
    for (let i = 1; i <= 60; i++) {
      convo.push({
        role: 'assistant',
        content: `thought ${i}`,
        toolCalls: [{ id: `c${i}`, name: 'bash', arguments: JSON.stringify({ command: `step ${i}` }) }],
      });
      convo.push({
        role: 'tool',
        callId: `c${i}`,
        name: 'bash',
        content: `out ${i}\n${'o'.repeat(900)}\n---\nexit code 0 · took 1s`,
      });
      const f = w.fit(convo);
      expect(f.tokens, `step ${i}`).toBeLessThanOrEqual(w.budget()!);
    }
    const f = w.fit(convo);
    expect(f.turns[0]).toEqual(convo[0]);
    expect(f.turns[1]!.content.startsWith(convo[1]!.content)).toBe(true);
    expect(f.turns[1]!.content).toContain('Earlier steps');
    expect(f.turns.slice(-4)).toEqual(convo.slice(-4)); // the last two steps whole
    expect(f.summarized + f.dropped).toBeGreaterThan(0);
    // The prefix holds still between cuts: consecutive calls mostly share it.
    const again = w.fit([...convo, { role: 'assistant', content: 'x', toolCalls: [] }]);
    expect(again.turns[1]!.content).toBe(f.turns[1]!.content);
  });
});
