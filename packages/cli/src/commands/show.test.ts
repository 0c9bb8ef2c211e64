import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `aira run --agent react` end to end through the built CLI (a local worker daemon, real Python)
 * against a small OpenAI-compatible server in this process, then `aira show` on the study.
 */

const AIRA = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/aira.js');
const KEY = 'sk-cli-show-test-1b2c3d4e5f60718293';
const dir = mkdtempSync(join(tmpdir(), 'aira-show-cli-'));
const out = join(dir, 'runs');

function aira(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [AIRA, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

const SOLUTION = 'print("score: 0.75")\n';
/** The scripted model: write the solution, run it, submit. */
const replies = [
  {
    tool_calls: [
      {
        name: 'bash',
        arguments: {
          command: `printf '${SOLUTION.replace(/\n/g, '\\n')}' > solution.py && python3 --version`,
        },
      },
    ],
  },
  { tool_calls: [{ name: 'submit', arguments: { path: 'solution.py', summary: 'prints its score' } }] },
];
const seen: Array<{
  auth: string | undefined;
  body: { messages: Array<{ role: string; content: string | null }> };
}> = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    // Only chat completions are scripted; anything else (the model list) is a 404, as on a bare server.
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
    }
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as (typeof seen)[number]['body'];
      seen.push({ auth: req.headers.authorization, body });
      const r = replies[seen.length - 1];
      if (!r) {
        res.writeHead(400, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { message: 'script ended' } }));
      }
      const message = {
        role: 'assistant',
        content: null,
        tool_calls: r.tool_calls.map((c, i) => ({
          id: `call_${seen.length}_${i}`,
          type: 'function',
          function: { name: c.name, arguments: JSON.stringify(c.arguments) },
        })),
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `x${seen.length}`,
          object: 'chat.completion',
          created: 0,
          model: 'scripted',
          choices: [{ index: 0, message, finish_reason: 'tool_calls' }],
          usage: { prompt_tokens: 1200, completion_tokens: 30, total_tokens: 1230 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((n) =>
    statSync(join(d, n)).isDirectory() ? filesUnder(join(d, n)) : [join(d, n)],
  );
}

describe('aira run --agent react, then aira show', () => {
  it('refuses an LLM agent without a model in one line, before starting anything', async () => {
    const r = await aira(['run', '--agent', 'react', '--out', out, '--workers', 'local:1']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'aira: llm.model: the react agent needs a model (--model NAME or AIRA_MODEL)',
    );
    const openai = await aira(['run', '--agent', 'operators', '--model', 'gpt-x', '--out', out], {
      OPENAI_API_KEY: '',
    });
    expect(openai.stderr).toMatch(
      /^aira: llm\.apiKeyEnv: the environment variable OPENAI_API_KEY is not set/,
    );
  });

  it('runs a ReAct job through the CLI and shows its trajectory, tokens and cost; the key is written nowhere', async () => {
    const run = await aira(
      [
        'run',
        '--agent',
        'react',
        '--model',
        'scripted',
        '--llm-base-url',
        url,
        '--llm-api-key-env',
        'SHOW_TEST_KEY',
        '--price-input',
        '2',
        '--price-output',
        '10',
        '--hce',
        'off',
        '--workers',
        'local:1',
        '--max-jobs',
        '1',
        '--out',
        out,
        '--quiet',
      ],
      { SHOW_TEST_KEY: KEY },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`llm: scripted at ${url} (key from $SHOW_TEST_KEY, auto tool calls)`);
    expect(seen.map((s) => s.auth)).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`]);
    const study = readdirSync(out)[0]!;

    const list = await aira(['show', study, '--out', out]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(
      /run script-s0 · ended \(max-jobs\) · 1 candidate\(s\) · LLM \$0\.0054, 2,460 tokens/,
    );
    expect(list.stdout).toMatch(/c0001 draft\s+search 0\.75/);

    const show = await aira(['show', study, 'c0001', '--out', out, '--code']);
    expect(show.code, show.stderr).toBe(0);
    const text = show.stdout;
    expect(text).toContain('c0001 · draft · run script-s0 · job j0001 attempt 1');
    expect(text).toContain('scores: search 0.75');
    expect(text).toContain('summary: prints its score');
    // 2 calls × (1200 × $2 + 30 × $10) / 1M = $0.0054
    expect(text).toContain('LLM: 2 call(s) · 2,400 prompt + 60 completion tokens · $0.0054 · scripted');
    expect(text).toMatch(/react start · model scripted · native tool calls · ≤100 steps/);
    expect(text).toMatch(/\[1\] model · [\d.]+m?s · 1200\+30 tokens · \$0\.0027/);
    expect(text).toContain('→ bash {"command":"printf');
    expect(text).toMatch(/\[1\] bash · [\d.]+m?s · exit 0\n\s+Python 3/);
    expect(text).toMatch(/\[2\] submit · .* · exit 0\n\s+submitted solution\.py/);
    expect(text).toMatch(/exec solution · [\d.]+m?s · exit 0 · log jobs\/j0001\/a1\//);
    expect(text).toMatch(/end: submitted \(solution\.py\) · 2 call\(s\), 2,460 tokens, \$0\.0054/);
    expect(text).toContain('code:\n    print("score: 0.75")');
    for (const f of filesUnder(join(out, study))) expect(readFileSync(f).includes(KEY), f).toBe(false);

    const missing = await aira(['show', study, 'c0099', '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^aira: no candidate "c0099" in study .*\n {2}candidates by run: script-s0: c0001\n$/,
    );
  });
});

// The same check as `spawnSync` users elsewhere: the CLI must be built before these tests run.
if (spawnSync(process.execPath, [AIRA, '--version']).status !== 0)
  throw new Error('aira is not built: run `npx tsc -b tsconfig.json` first');
