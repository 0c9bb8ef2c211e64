import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal, type JournalEvent } from '@aira/coordinator';
import { tempDir } from '@aira/testing';
import {
  call,
  LoopbackLlm,
  toolResults,
  type ChatRequest,
  type Reply,
} from '../llm/test-support/loopback.js';
import { AIRA_BIN, KEY, startBench, writeCommand, type Bench } from '../llm/test-support/study.js';

/**
 * `aira run --agent react` (the built CLI) killed with SIGKILL in the middle of a job, three times —
 * while a tool's command runs on the worker, while the model is answering, and while submit runs
 * the solution — and resumed with `--resume` each time: the job goes on from its next step in the same session, and the loopback
 * server's request log shows no step asked twice and no token counted twice.
 */

let bench: Bench;
let cleanup: () => void;
beforeAll(async () => {
  const t = tempDir('aira-react-resume-');
  cleanup = t.cleanup;
  bench = await startBench(t.dir);
});
afterAll(async () => {
  await bench?.stop();
  cleanup?.();
});

const tools = (...calls: Array<ReturnType<typeof call>>): Reply => ({ content: '', toolCalls: calls });

function aira(args: string[]) {
  const child = spawn(process.execPath, [AIRA_BIN, 'run', '--quiet', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TEST_KEY: KEY },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    exited: new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((r) =>
      child.once('exit', (code, signal) => r({ code, signal, stderr })),
    ),
    kill: () => child.kill('SIGKILL'),
  };
}

function journal(out: string): JournalEvent[] {
  const study = existsSync(out)
    ? readdirSync(out).find((d) => existsSync(join(out, d, 'study.json')))
    : undefined;
  const path = study ? join(out, study, 'script-s0', 'journal.jsonl') : '';
  return path && existsSync(path) ? readJournal(path).events : [];
}

const until = async (what: string, ok: () => boolean, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('a coordinator killed in the middle of a ReAct job', () => {
  it('resumes the job at its next step, in the same session, paying for no step twice', async () => {
    let third!: ChatRequest;
    const llm = await LoopbackLlm.start([
      () => {
        // The solution takes a while, so the third kill lands while submit runs it.
        return tools(
          call('bash', {
            command: writeCommand('solution.py', 'import time\ntime.sleep(6)\nprint("score: 0.25")\n'),
          }),
        );
      },
      () => tools(call('bash', { command: 'export AIRA_MARK=kept-in-shell' })),
      (req) => {
        third = req;
        return tools(call('bash', { command: 'sleep 6; echo "slept well: $AIRA_MARK"' }));
      },
      // ---- coordinator killed while `sleep 6` runs; a new one resumes ----
      (req) => {
        // The whole conversation so far, then the result of the command that ran through the restart.
        expect(req.messages.slice(0, third.messages.length)).toEqual(third.messages);
        expect(req.messages).toHaveLength(third.messages.length + 2);
        expect(toolResults(req).at(-1)).toContain('slept well: kept-in-shell'); // same session, same shell
        return tools(call('bash', { command: 'echo after-resume' }));
      },
      // ---- coordinator killed while the model "thinks" (this reply is never delivered) ----
      { ...tools(call('bash', { command: 'echo never-sent' })), delayMs: 8_000 },
      (req) => {
        expect(toolResults(req).at(-1)).toContain('after-resume');
        expect(JSON.stringify(req.messages)).not.toContain('never-sent');
        return tools(call('submit', { path: 'solution.py', summary: 'survived three restarts' }));
      },
      // ---- coordinator killed while submit runs the solution; a new one follows that run and submits ----
    ]);
    const out = join(bench.root, 'resume-study');
    const common = ['--out', out];
    try {
      const first = aira([
        '--agent',
        'react',
        '--model',
        'scripted-resume',
        '--llm-base-url',
        llm.url,
        '--llm-api-key-env',
        'TEST_KEY',
        '--workers',
        `hosts:${bench.hostsFile}`,
        '--token-file',
        bench.tokenFile,
        '--max-jobs',
        '1',
        '--heartbeat',
        '500ms',
        '--price-input',
        '3',
        '--price-output',
        '15',
        ...common,
      ]);
      await until(
        'the third command to start',
        () =>
          llm.requests.length === 3 &&
          journal(out).filter((e) => e.type === 'exec.started' && e.label === 'tool:bash').length === 3,
      );
      first.kill();
      expect((await first.exited).signal).toBe('SIGKILL');
      const study = readdirSync(out).find((d) => existsSync(join(out, d, 'study.json')))!;

      const second = aira(['--resume', study, ...common]);
      await until('the fifth request', () => llm.requests.length === 5);
      second.kill();
      expect((await second.exited).signal, 'killed while the model answered').toBe('SIGKILL');

      const third_ = aira(['--resume', study, ...common]);
      await until('the solution to run', () =>
        journal(out).some((e) => e.type === 'exec.started' && e.label === 'solution'),
      );
      third_.kill();
      expect((await third_.exited).signal, 'killed while the solution ran').toBe('SIGKILL');

      const fourth = aira(['--resume', study, ...common]);
      const end = await fourth.exited;
      expect(end.code, end.stderr).toBe(0);
    } finally {
      await llm.close();
    }
    expect(llm.errors).toEqual([]);
    expect(llm.remaining).toBe(0);
    const events = journal(out);
    expect(
      events.filter((e) => e.type === 'run.ended').map((e) => e.type === 'run.ended' && e.reason),
    ).toEqual(['max-jobs']);
    // One attempt throughout, taken over three times: following the running command, between calls, following the solution's run.
    const adopted = events.flatMap((e) => (e.type === 'attempt.adopted' ? [e] : []));
    expect(adopted.map((a) => [a.jobId, a.attempt, a.execId !== undefined])).toEqual([
      ['j0001', 1, true],
      ['j0001', 1, false],
      ['j0001', 1, true],
    ]);
    // The solution ran once: the fourth coordinator followed the run the third had started.
    expect(events.filter((e) => e.type === 'exec.started' && e.label === 'solution')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'attempt.abandoned')).toEqual([]);
    const candidates = events.flatMap((e) => (e.type === 'candidate.added' ? [e.candidate] : []));
    expect(candidates).toHaveLength(1);
    expect(candidates[0], JSON.stringify(candidates[0]?.scores)).toMatchObject({
      attempt: 1,
      scores: { valid: true, search: 0.25 },
      summary: 'survived three restarts',
    });
    // No token counted twice: one cost event per delivered reply, each with the tokens the server reported for it.
    const served = llm.requests.filter((r) => r.status === 200);
    expect(served).toHaveLength(5); // six requests; the fifth was never delivered (its coordinator died)
    expect(llm.requests).toHaveLength(6);
    const costs = events.flatMap((e) =>
      e.type === 'cost' ? [e.detail as { call: string; promptTokens: number; completionTokens: number }] : [],
    );
    expect(costs.map((c) => c.call)).toEqual(['s1', 's2', 's3', 's4', 's5'].map((x) => `j0001-a1-${x}`));
    expect(costs.map((c) => [c.promptTokens, c.completionTokens])).toEqual(
      served.map((r) => [r.usage.prompt, r.usage.completion]),
    );
    const steps = events.flatMap((e) => (e.type === 'step' ? [e.step] : []));
    expect(steps.filter((x) => x.kind === 'react.resumed').map((x) => x.step)).toEqual([3, 4, 5]);
    const endStep = steps.find((x) => x.kind === 'react.end')!;
    expect(endStep).toMatchObject({
      reason: 'submitted',
      calls: 5,
      promptTokens: served.reduce((n, r) => n + r.usage.prompt, 0),
    });
    // The resumed tool result is marked as such, and the LLM log holds every request of the attempt.
    expect(steps.filter((x) => x.kind === 'react.tool' && x.resumed).map((x) => [x.step, x.tool])).toEqual([
      [3, 'bash'],
      [5, 'submit'],
    ]);
    const runDir = join(
      out,
      readdirSync(out).find((d) => existsSync(join(out, d, 'study.json')))!,
      'script-s0',
    );
    const logged = readFileSync(join(runDir, 'llm', 'j0001-a1.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string });
    expect(logged.filter((l) => l.kind === 'request')).toHaveLength(6);
    // `aira status` shows the spend once: the tokens the server served, each reply counted once.
    const study = readdirSync(out).find((d) => existsSync(join(out, d, 'study.json')))!;
    const status = JSON.parse(
      execFileSync(process.execPath, [AIRA_BIN, 'status', study, '--out', out, '--json'], {
        encoding: 'utf8',
      }),
    ) as {
      spend: { calls: number; promptTokens: number; completionTokens: number; usd: number };
      runs: Array<{ jobSpend: Record<string, { calls: number }> }>;
    };
    expect(status.spend).toMatchObject({
      calls: 5,
      promptTokens: served.reduce((n, r) => n + r.usage.prompt, 0),
      completionTokens: served.reduce((n, r) => n + r.usage.completion, 0),
    });
    expect(status.runs[0]!.jobSpend.j0001?.calls).toBe(5);
    const usd = served.reduce((n, r) => n + (r.usage.prompt * 3 + r.usage.completion * 15) / 1e6, 0);
    expect(status.spend.usd).toBeCloseTo(usd, 12);
    const text = execFileSync(process.execPath, [AIRA_BIN, 'status', study, '--out', out], {
      encoding: 'utf8',
    });
    expect(text).toContain(`LLM $${usd.toFixed(4)} · `);
    expect(text).toMatch(/LLM \$[\d.]+ · [\d.k]+ tokens \(.* prompt, .* completion\) in 5 calls/);
  }, 180_000);
});
