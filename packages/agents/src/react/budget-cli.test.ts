import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '@aira/coordinator';
import { tempDir } from '@aira/testing';
import {
  call,
  LoopbackLlm,
  toolResults,
  type ChatRequest,
  type Reply,
} from '../llm/test-support/loopback.js';
import { AIRA_BIN, KEY } from '../llm/test-support/study.js';

/**
 * `aira run --agent react --budget 60s` as a user types it (the built CLI, a local worker daemon,
 * real bash and Python) against a loopback server that answers as a plain OpenAI-compatible server
 * does. Under a time budget each tool call gets the time left in the job, a fraction of a ms: the
 * whole trajectory must still run, in one job.
 */

let dir: string;
let cleanup: () => void;
let llm: LoopbackLlm;
beforeAll(() => {
  ({ dir, cleanup } = tempDir('aira-react-budget-'));
});
afterAll(async () => {
  await llm?.close();
  cleanup?.();
});

function aira(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [AIRA_BIN, ...args], {
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

const tools = (...calls: Array<ReturnType<typeof call>>): Reply => ({ content: '', toolCalls: calls });
const last = (req: ChatRequest) => toolResults(req).at(-1) ?? '';
const TOOK = /exit code (-?\d+) · took [\d.]+m?s/;

describe('aira run --agent react --budget 60s', () => {
  it(
    'walks bash, Python with state kept, a failing command and submit, with timings, in one job',
    { timeout: 180_000 },
    async () => {
      llm = await LoopbackLlm.start([
        () => tools(call('bash', { command: 'echo "from bash: $((6 * 7))"; pwd' })),
        (req) => {
          expect(last(req)).toContain('from bash: 42');
          expect(last(req)).toMatch(TOOK);
          expect(TOOK.exec(last(req))![1]).toBe('0');
          return tools(
            call('python', {
              code: 'import math\nstate = {"n": math.factorial(5)}\nprint("set", state["n"])',
            }),
          );
        },
        (req) => {
          expect(last(req)).toContain('set 120');
          expect(last(req)).toMatch(TOOK);
          return tools(call('python', { code: 'state["n"] + 1' }));
        },
        (req) => {
          // The kernel kept its state from the previous call.
          expect(last(req)).toContain('121');
          return tools(
            call('python', {
              code: 'def check(v):\n    raise ValueError(f"bad value {v}")\ncheck(state["n"])',
            }),
          );
        },
        (req) => {
          const obs = last(req);
          expect(obs).toContain('Traceback (most recent call last)');
          expect(obs).toMatch(/line 2, in check/);
          expect(obs).toContain('ValueError: bad value 120');
          expect(obs).not.toContain('driver.py');
          expect(TOOK.exec(obs)![1]).toBe('1');
          return tools(
            call('bash', {
              command: 'printf \'print("score: 0.5")\\n\' > solution.py && python3 solution.py',
            }),
          );
        },
        (req) => {
          expect(last(req)).toContain('score: 0.5');
          return tools(call('submit', { path: 'solution.py', summary: 'prints its score' }));
        },
      ]);
      const out = join(dir, 'runs');
      const r = await aira(
        [
          'run',
          '--agent',
          'react',
          '--budget',
          '60s',
          '--model',
          'plain',
          '--llm-base-url',
          llm.url,
          '--llm-api-key-env',
          'BUDGET_TEST_KEY',
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
        { BUDGET_TEST_KEY: KEY },
      );
      expect(llm.errors, 'checks inside the scripted model').toEqual([]);
      expect(r.code, r.stderr).toBe(0);
      expect(llm.remaining).toBe(0);
      expect(llm.requests).toHaveLength(6);

      const study = join(out, readdirSync(out)[0]!);
      const runDir = join(
        study,
        readdirSync(study).find((n) => existsSync(join(study, n, 'journal.jsonl')))!,
      );
      const events = readJournal(join(runDir, 'journal.jsonl')).events;
      expect(events.filter((e) => e.type === 'job.created')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'attempt.started')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'attempt.submitted')).toHaveLength(1);
      const candidates = events.flatMap((e) => (e.type === 'candidate.added' ? [e.candidate] : []));
      expect(candidates).toHaveLength(1);
      expect(candidates[0]).toMatchObject({ scores: { search: 0.5 } });
      // Every tool call became an exec that started and finished (none hung, none was dropped).
      const labels = events.flatMap((e) => (e.type === 'exec.started' ? [e.label] : []));
      expect(labels.filter((l) => l.startsWith('tool:'))).toEqual([
        'tool:bash',
        'tool:python',
        'tool:python',
        'tool:python',
        'tool:bash',
      ]);
      expect(events.filter((e) => e.type === 'exec.finished')).toHaveLength(labels.length);
    },
  );
});
