import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunConfig } from '@aira/coordinator';
import { LlmClient, LlmError } from './client.js';
import { Semaphore } from './limiter.js';
import { jsonlLog } from './log.js';
import { llmSettings, type LlmSettings } from './settings.js';
import { tempDir } from '@aira/testing';
import { call, LoopbackLlm, type Step } from './test-support/loopback.js';
import type { ToolSpec, Turn } from './types.js';

const KEY = 'sk-test-0123456789abcdef-secret';
const servers: LoopbackLlm[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(steps: Step[], options = {}): Promise<LoopbackLlm> {
  const s = await LoopbackLlm.start(steps, options);
  servers.push(s);
  return s;
}

function settings(url: string, over: Record<string, unknown> = {}): LlmSettings {
  const config = RunConfig.parse({
    agent: { name: 'react' },
    llm: { baseUrl: url, model: 'scripted', retryBase: 5, ...over },
  });
  return llmSettings(config, { TEST_KEY: KEY }, 'react');
}

const keyEnv = { apiKeyEnv: 'TEST_KEY' };
const turns: Turn[] = [
  { role: 'system', content: 'be brief' },
  { role: 'user', content: 'hello' },
];
const echo: ToolSpec = {
  name: 'echo',
  description: 'echo text',
  parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
};

describe('LlmClient against an OpenAI-compatible loopback server', () => {
  it('sends the key as a bearer token, reads tool calls and usage, prices the call, and never writes the key', async () => {
    const s = await serve([
      {
        content: 'calling',
        toolCalls: [call('echo', { text: 'hi' })],
        usage: { prompt: 2_000_000, completion: 500_000 },
      },
    ]);
    const { dir, cleanup } = tempDir();
    try {
      const client = new LlmClient(
        settings(s.url, { ...keyEnv, prices: { input: 1, output: 4 }, temperature: 0.3 }),
      );
      const log = jsonlLog(join(dir, 'llm.jsonl'), client.redactor);
      const c = await client.complete({ turns, tools: [echo], callId: 'c1', log });
      expect(s.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(s.requests[0]!.body.temperature).toBe(0.3);
      expect(s.requests[0]!.body.tools?.map((t) => t.function.name)).toEqual(['echo']);
      expect(c.toolCalls).toEqual([{ id: 'call_1_1', name: 'echo', arguments: '{"text":"hi"}' }]);
      expect(c.usage).toEqual({
        promptTokens: 2_000_000,
        completionTokens: 500_000,
        cachedTokens: 0,
        estimated: false,
      });
      expect(c.costUsd).toBeCloseTo(2 * 1 + 0.5 * 4, 10);
      expect(c.protocol).toBe('native');
      const lines = readFileSync(join(dir, 'llm.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string });
      expect(lines.map((l) => l.kind)).toEqual(['request', 'response']);
      expect(readFileSync(join(dir, 'llm.jsonl'), 'utf8')).not.toContain(KEY);
    } finally {
      cleanup();
    }
  });

  it('retries a 429 storm, waiting what Retry-After says, then succeeds', async () => {
    const storm: Step[] = [
      { status: 429, message: 'rate limited', headers: { 'retry-after-ms': '30' } },
      { status: 429, message: 'rate limited', headers: { 'retry-after': '0.02' } },
      { status: 503, message: 'overloaded' },
      { status: 429, message: 'rate limited', headers: { 'retry-after-ms': '10' } },
      { content: 'done' },
    ];
    const s = await serve(storm);
    const { dir, cleanup } = tempDir();
    try {
      const client = new LlmClient(settings(s.url, { maxRetries: 6 }), { random: () => 1 });
      const c = await client.complete({
        turns,
        callId: 'c1',
        log: jsonlLog(join(dir, 'l.jsonl'), client.redactor),
      });
      expect(c.content).toBe('done');
      expect(c.attempts).toBe(5);
      expect(s.requests.map((r) => r.status)).toEqual([429, 429, 503, 429, 200]);
      const errors = readFileSync(join(dir, 'l.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((e) => e.kind === 'error');
      // Retry-After wins over backoff; without it, base 5 ms doubled per retry (random() = 1: the full delay).
      expect(errors.map((e) => [e.status, e.retryInMs, e.retryAfter])).toEqual([
        [429, 30, true],
        [429, 20, true],
        [503, 20, false],
        [429, 10, true],
      ]);
    } finally {
      cleanup();
    }
  });

  it('gives up after its retries with an error naming the status', async () => {
    const s = await serve(
      Array.from({ length: 10 }, () => ({
        status: 429,
        message: 'slow down',
        headers: { 'retry-after-ms': '1' },
      })),
    );
    const client = new LlmClient(settings(s.url, { maxRetries: 2 }));
    const err = await client.complete({ turns, callId: 'c1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('retries-exhausted');
    expect((err as LlmError).message).toMatch(/after 3 attempts \(HTTP 429: .*slow down/);
    expect(s.requests).toHaveLength(3);
  });

  it('does not retry a refused request (401) and keeps the key out of the message', async () => {
    const s = await serve([{ status: 401, message: `Incorrect API key provided: ${KEY}` }]);
    const client = new LlmClient(settings(s.url, keyEnv));
    const err = (await client.complete({ turns, callId: 'c1' }).catch((e: unknown) => e)) as LlmError;
    expect(err.kind).toBe('fatal');
    expect(err.message).toContain('HTTP 401');
    expect(err.message).toContain('[redacted]');
    expect(err.message).not.toContain(KEY);
    expect(s.requests).toHaveLength(1);
  });

  it('times out a slow reply, retries it, and succeeds', async () => {
    const s = await serve([{ content: 'late', delayMs: 2_000 }, { content: 'on time' }]);
    const client = new LlmClient(settings(s.url, { timeout: 200 }));
    const c = await client.complete({ turns, callId: 'c1' });
    expect(c.content).toBe('on time');
    expect(c.attempts).toBe(2);
  });

  it('keeps the requests in flight to one endpoint under its limit', async () => {
    const s = await serve(Array.from({ length: 6 }, () => ({ content: 'ok', delayMs: 80 })));
    const limiter = new Semaphore(2);
    const client = new LlmClient(settings(s.url), { limiter });
    const other = new LlmClient(settings(s.url), { limiter }); // a second job on the same endpoint
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? client : other).complete({ turns, callId: `c${i}` })),
    );
    expect(s.requests).toHaveLength(6);
    expect(s.maxInFlight).toBe(2);
  });

  it('switches to the text protocol when the server rejects tools, and parses ```tool blocks', async () => {
    const s = await serve(
      [{ content: 'I will echo.\n```tool\n{"name": "echo", "arguments": {"text": "hi"}}\n```' }],
      { rejectTools: true },
    );
    const client = new LlmClient(settings(s.url, { model: 'no-tools-model' }));
    expect(client.protocol).toBe('native');
    const c = await client.complete({
      turns,
      tools: [echo],
      textInstructions: 'TOOLS: write ```tool blocks',
      callId: 'c1',
    });
    expect(s.requests.map((r) => r.status)).toEqual([400, 200]);
    expect(s.requests[1]!.body.tools).toBeUndefined();
    expect(s.requests[1]!.body.messages[0]!.content).toContain('TOOLS: write ```tool blocks');
    expect(c.protocol).toBe('text');
    expect(c.toolCalls).toEqual([{ id: 'c1-t-1', name: 'echo', arguments: '{"text":"hi"}', text: true }]);
    // The endpoint stays on text for later clients of this process.
    expect(new LlmClient(settings(s.url, { model: 'no-tools-model' })).protocol).toBe('text');
  });

  it('does not fall back when the protocol is pinned to native', async () => {
    const s = await serve([], { rejectTools: true });
    const client = new LlmClient(settings(s.url, { model: 'pinned', toolProtocol: 'native' }));
    const err = (await client
      .complete({ turns, tools: [echo], callId: 'c1' })
      .catch((e: unknown) => e)) as LlmError;
    expect(err.kind).toBe('fatal');
    expect(err.message).toContain('enable-auto-tool-choice');
  });

  it('estimates usage when the server reports none', async () => {
    const s = await serve([{ content: 'x'.repeat(400), usage: null }]);
    const c = await new LlmClient(settings(s.url, { prices: { input: 1_000_000, output: 0 } })).complete({
      turns,
      callId: 'c1',
    });
    expect(c.usage.estimated).toBe(true);
    expect(c.usage.completionTokens).toBe(100);
    expect(c.usage.promptTokens).toBeGreaterThan(0);
    expect(c.costUsd).toBe(c.usage.promptTokens);
  });
});

describe('llmSettings', () => {
  it('needs a model, and a key for OpenAI itself, naming the variable and never the key', () => {
    expect(() => llmSettings(RunConfig.parse({ agent: { name: 'react' } }), {})).toThrow(
      /llm\.model: the react agent needs a model/,
    );
    expect(() =>
      llmSettings(RunConfig.parse({ agent: { name: 'react' }, llm: { model: 'gpt-x' } }), {}),
    ).toThrow(/OPENAI_API_KEY is not set/);
    const local = llmSettings(
      RunConfig.parse({ agent: { name: 'react' }, llm: { model: 'm', baseUrl: 'http://127.0.0.1:8000/v1' } }),
      {},
    );
    expect(local.apiKey).toBe('no-key');
    const keyed = llmSettings(
      RunConfig.parse({ agent: { name: 'react' }, llm: { model: 'm', apiKeyEnv: 'MY_KEY' } }),
      { MY_KEY: KEY },
    );
    expect(keyed.apiKey).toBe(KEY);
    expect(
      JSON.stringify(RunConfig.parse({ agent: { name: 'react' }, llm: { apiKeyEnv: 'MY_KEY' } })),
    ).not.toContain(KEY);
  });
});
