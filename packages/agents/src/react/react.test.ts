import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  lastMessage,
  toolResults,
  type ChatRequest,
  type Reply,
} from '../llm/test-support/loopback.js';
import {
  filesUnder,
  KEY,
  llmStudy,
  sessionOf,
  solution,
  writeCommand,
  type Bench,
} from '../llm/test-support/study.js';
import { useLoopbackBench } from '../llm/test-support/hooks.js';

/**
 * ReAct jobs in real studies: a real worker daemon (bash, Python kernel, files), the diabetes data
 * graded on hidden splits, and the model replaced by a loopback OpenAI-compatible server replaying
 * a script through the real openai SDK. Step functions check what the model was shown.
 */

const hooks = useLoopbackBench('aira-react-');
const serve = hooks.serve;
let bench: Bench;
beforeAll(() => {
  bench = hooks.bench();
});

const tools = (...calls: Array<ReturnType<typeof call>>): Reply => ({ content: '', toolCalls: calls });
const lastTool = (req: ChatRequest) => toolResults(req).at(-1) ?? '';

describe('a ReAct job', () => {
  it('explores, hits a traceback, fixes it in the same trajectory and submits', async () => {
    let s!: ReturnType<typeof sessionOf>;
    const llm = await serve([
      (req) => {
        s = sessionOf(req);
        const [system, user] = req.messages;
        expect(system!.content).toContain('call submit');
        expect(user!.content).toContain('submission/search.csv'); // the task description
        expect(user!.content).toMatch(/train\.csv \(\d+(\.\d)? KB\)/); // the data layout
        expect(user!.content).toContain('| id,age,sex,bmi');
        expect(user!.content).toMatch(/Installed packages: .*numpy==/);
        expect(user!.content).toContain('Write a new solution from scratch.');
        expect(user!.content).toContain('at most 8 steps');
        expect(req.tools?.map((t) => t.function.name)).toEqual(['bash', 'python', 'submit']);
        return tools(call('bash', { command: `ls ${s.data} && pwd` }));
      },
      (req) => {
        expect(lastTool(req)).toContain('train.csv');
        expect(lastTool(req)).toContain(s.work); // the shell starts in the work folder
        expect(lastTool(req)).toMatch(/exit code 0 · took [\d.]+m?s/);
        return tools(
          call('python', {
            code: `import csv\nrows = list(csv.DictReader(open("${s.data}/train.csv")))\nprint(len(rows), "rows")`,
          }),
        );
      },
      (req) => {
        expect(lastTool(req)).toContain('265 rows');
        return tools(
          call('bash', {
            command: `${writeCommand('solution.py', solution(s, 'target'))}\n${s.python} solution.py`,
          }),
        );
      },
      (req) => {
        expect(lastTool(req)).toContain('Traceback (most recent call last)');
        expect(lastTool(req)).toContain("KeyError: 'target'");
        expect(lastTool(req)).toMatch(/exit code 1 · took/);
        // Two calls in one turn: the kernel still has `rows`; the shell fixes and reruns.
        return tools(
          call('python', { code: 'print(len(rows), "rows still loaded")' }),
          call('bash', {
            command: `sed -i 's/"target"/"progression"/' solution.py && ${s.python} solution.py`,
          }),
        );
      },
      (req) => {
        const [kernel, shell] = toolResults(req).slice(-2);
        expect(kernel).toContain('265 rows still loaded');
        expect(shell).toContain('fit on 265 rows');
        return tools(call('submit', { path: 'solution.py', summary: 'least squares on all features' }));
      },
    ]);
    const v = await llmStudy(bench, 'explore-fix-submit', llm);
    expect(llm.remaining).toBe(0);
    expect(v.reason).toBe('max-jobs');
    const c = v.candidates[0]!;
    expect(c.scores.valid).toBe(true);
    expect(c.scores.search).toBeGreaterThan(30);
    expect(c.scores.search).toBeLessThan(80);
    expect(c.summary).toBe('least squares on all features');
    // The whole trajectory is in the journal.
    expect(v.steps.map((s) => s.kind)).toEqual([
      'react.start',
      ...['react.llm', 'react.tool'],
      ...['react.llm', 'react.tool'],
      ...['react.llm', 'react.tool'],
      ...['react.llm', 'react.tool', 'react.tool'],
      ...['react.llm', 'react.tool'],
      'react.end',
    ]);
    const toolSteps = v.steps.filter((s) => s.kind === 'react.tool');
    expect(
      toolSteps.every((s) => typeof s.durationMs === 'number' && String(s.observation).includes('took')),
    ).toBe(true);
    expect(v.steps.at(-1)).toMatchObject({ reason: 'submitted', submitted: 'solution.py', calls: 5 });
    // Tokens and cost per call reach the journal and match what the server reported.
    expect(v.costs).toHaveLength(5);
    const served = llm.requests.filter((r) => r.status === 200);
    expect(v.costs.map((c) => c.detail?.promptTokens)).toEqual(served.map((r) => r.usage.prompt));
    expect(v.costs.map((c) => c.detail?.completionTokens)).toEqual(served.map((r) => r.usage.completion));
    // Every request and response is in the run's LLM log; the key is sent, and written nowhere.
    const log = join(v.runDir, 'llm', 'j0001-a1.jsonl');
    const entries = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string });
    expect(entries.map((e) => e.kind)).toEqual(
      Array.from({ length: 5 }, () => ['request', 'response']).flat(),
    );
    expect(llm.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    for (const f of filesUnder(v.dir)) expect(readFileSync(f).includes(KEY), f).toBe(false);
  });

  it('runs out of steps: the harness runs the solution file it has and submits it', async () => {
    let s!: ReturnType<typeof sessionOf>;
    const echo = tools(call('bash', { command: 'echo thinking' }));
    const llm = await serve([
      (req) => {
        s = sessionOf(req);
        return tools(call('bash', { command: writeCommand('solution.py', solution(s)) }));
      },
      echo,
      (req) => {
        expect(lastTool(req)).toContain('[1 step,');
        return echo;
      },
      // Job 2 is proposed the moment job 1 frees the worker, before c0001 is graded: another draft.
      (req) => {
        expect(req.messages[1]!.content).toContain('Write a new solution from scratch.');
        return echo;
      },
      echo,
      echo,
      // Job 3 mutates c0001: its prompt shows the parent's score, code and output.
      (req) => {
        const user = req.messages[1]!.content!;
        expect(user).toContain('Improve the solution below');
        expect(user).toMatch(/## c0001: search score \d+\.\d+/);
        expect(user).toContain('np.linalg.lstsq');
        expect(user).toContain('fit on 265 rows');
        return tools(call('bash', { command: 'ls parents/c0001' }));
      },
      (req) => {
        expect(lastTool(req)).toContain('solution.py');
        return echo;
      },
      echo,
    ]);
    const v = await llmStudy(bench, 'out-of-steps', llm, {
      agent: { maxSteps: 3 },
      budget: { maxJobs: 3 },
      search: { initialPopulation: 1 },
    });
    expect(llm.requests).toHaveLength(9);
    const [first, second, third] = v.candidates;
    expect(first!.scores.valid).toBe(true);
    expect(first!.summary).toBe('react: the job used its 3 steps; the harness submitted solution.py');
    expect(second!.scores.reason).toBe(
      'react: the job used its 3 steps; no solution.py in the work folder to submit',
    );
    expect(third!.operator).toBe('mutate');
    expect(third!.parents).toEqual(['c0001']);
    expect(third!.scores.valid).toBe(false);
    expect(v.steps.filter((s) => s.kind === 'react.end').map((s) => s.reason)).toEqual(
      Array(3).fill('the job used its 3 steps'),
    );
  });

  it('answers malformed calls, unknown tools, bad arguments and replies without a call, and goes on', async () => {
    let s!: ReturnType<typeof sessionOf>;
    const llm = await serve([
      (req) => {
        s = sessionOf(req);
        return tools(
          call('bash', '{"command": "ls"'),
          call('shell', { command: 'ls' }),
          call('bash', { cmd: 'ls' }),
          call('python', { code: 42 }),
        );
      },
      (req) => {
        const r = toolResults(req);
        expect(r).toHaveLength(4);
        expect(r[0]).toMatch(
          /^error: the arguments of bash are not valid JSON .*send one JSON object such as \{"command":"\.\.\."\}/,
        );
        expect(r[1]).toBe(
          'error: there is no tool "shell"; the tools are bash, python, submit. Nothing was run.',
        );
        expect(r[2]).toContain(
          '"command" is missing; "cmd" is not an argument of bash (it takes command, timeout)',
        );
        expect(r[3]).toContain('"code" must be a string, not 42');
        return { content: 'I think the task is clear now.' };
      },
      (req) => {
        expect(lastMessage(req)).toContain('Your reply called no tool');
        return tools(call('submit', {}));
      },
      (req) => {
        expect(lastTool(req)).toContain('submit: there is no solution.py in the work folder');
        return tools(
          call('python', { code: `open("solution.py", "w").write(${JSON.stringify(solution(s))})` }),
          call('submit', { path: `${s.work}/solution.py` }),
        );
      },
    ]);
    const v = await llmStudy(bench, 'malformed', llm);
    expect(v.candidates[0]!.scores.valid).toBe(true);
    const errors = v.steps.filter((s) => s.kind === 'react.tool' && s.error === true);
    expect(errors).toHaveLength(6);
  });

  it('stops calling the model at the cost cap and submits what the job has; the run ends on cost', async () => {
    let s!: ReturnType<typeof sessionOf>;
    const usage = { prompt: 1000, completion: 0 }; // $0.01 a call at $10 per 1M prompt tokens
    const llm = await serve([
      (req) => {
        s = sessionOf(req);
        return { ...tools(call('bash', { command: writeCommand('solution.py', solution(s)) })), usage };
      },
      { ...tools(call('bash', { command: 'echo one' })), usage },
      { ...tools(call('bash', { command: 'echo two' })), usage },
      { ...tools(call('bash', { command: 'echo never' })), usage },
    ]);
    const v = await llmStudy(bench, 'cost-cap', llm, {
      budget: { maxJobs: 5, costUsd: 0.025 },
      llm: { prices: { input: 10, output: 0 } },
    });
    expect(llm.requests).toHaveLength(3);
    expect(v.reason).toBe('cost');
    expect(v.candidates).toHaveLength(1);
    expect(v.candidates[0]!.scores.valid).toBe(true);
    expect(v.candidates[0]!.summary).toBe(
      'react: the run reached its cost cap; the harness submitted solution.py',
    );
    expect(v.costs.reduce((a, c) => a + c.usd, 0)).toBeCloseTo(0.03, 10);
  });

  it('ends a job at its time limit: a long command is stopped and the job ends without a submit', async () => {
    const llm = await serve([tools(call('bash', { command: 'sleep 30' }))]);
    const v = await llmStudy(bench, 'time-limit', llm, { agent: { jobTime: '2s' } });
    const tool = v.steps.find((s) => s.kind === 'react.tool')!;
    expect(String(tool.observation)).toMatch(/stopped \(.*time.*\)/);
    expect(v.candidates[0]!.scores.reason).toBe(
      'react: the job ran out of time; no solution.py in the work folder to submit',
    );
  });

  it('ends a job at its token limit', async () => {
    const llm = await serve([
      { ...tools(call('bash', { command: 'echo hi' })), usage: { prompt: 900, completion: 200 } },
    ]);
    const v = await llmStudy(bench, 'token-limit', llm, { agent: { maxTokens: 1000 } });
    expect(llm.requests).toHaveLength(1);
    expect(v.candidates[0]!.scores.reason).toBe(
      'react: the job used its 1000 tokens; no solution.py in the work folder to submit',
    );
  });

  it('offers read_file, write_file and edit_file with --file-tools, and redacts the key from what it is shown', async () => {
    let s!: ReturnType<typeof sessionOf>;
    const llm = await serve([
      (req) => {
        s = sessionOf(req);
        expect(req.tools?.map((t) => t.function.name)).toEqual([
          'bash',
          'python',
          'read_file',
          'write_file',
          'edit_file',
          'submit',
        ]);
        return tools(
          call('write_file', { path: 'solution.py', content: solution(s, 'target') }),
          call('bash', { command: `echo ${KEY}; ${s.python} solution.py` }),
        );
      },
      (req) => {
        const [written, ran] = toolResults(req).slice(-2);
        expect(written).toMatch(/^wrote solution\.py \(\d+ lines, \d+ bytes\)$/);
        expect(ran).toContain('[redacted]');
        expect(ran).not.toContain(KEY);
        expect(ran).toContain("KeyError: 'target'");
        return tools(
          call('edit_file', {
            path: 'solution.py',
            old_string: 'float(r["target"])',
            new_string: 'float(r["progression"])',
          }),
          call('edit_file', { path: 'solution.py', old_string: 'load(', new_string: 'read(' }),
          call('read_file', { path: `${s.work}/solution.py`, offset: 9, limit: 2 }),
          call('read_file', { path: '/etc/passwd' }),
        );
      },
      (req) => {
        const [edited, ambiguous, read, outside] = toolResults(req).slice(-4);
        expect(edited).toBe('edited solution.py at line 11');
        expect(ambiguous).toMatch(
          /^edit_file: old_string occurs 3 times in solution\.py; it must occur exactly once/,
        );
        expect(read).toMatch(
          /^ {5}9 {2}feats = .*\n {4}10 {2}X = np\.array.*\n\(lines 9-10 of \d+; use offset to read on\)$/,
        );
        expect(outside).toMatch(/^read_file: \/etc\/passwd is outside the session/);
        return tools(call('submit', {}));
      },
    ]);
    const v = await llmStudy(bench, 'file-tools', llm, { agent: { fileTools: true } });
    expect(v.candidates[0]!.scores.valid).toBe(true);
    expect(JSON.stringify(v.steps)).not.toContain(KEY);
  });

  it('speaks the text protocol to a server without tool calling', async () => {
    let s!: ReturnType<typeof sessionOf>;
    const block = (name: string, args: unknown) =>
      `\`\`\`tool\n${JSON.stringify({ name, arguments: args })}\n\`\`\``;
    const llm = await serve(
      [
        (req) => {
          s = sessionOf(req);
          expect(req.tools).toBeUndefined();
          expect(req.messages[0]!.content).toContain('Write each tool call as a fenced block tagged `tool`');
          expect(req.messages[0]!.content).toContain('- bash: Run a command');
          return {
            content: `Let me look at the data.\n${block('bash', { command: `head -1 ${s.data}/train.csv` })}`,
          };
        },
        (req) => {
          const obs = lastMessage(req);
          expect(req.messages.at(-1)!.role).toBe('user');
          expect(obs).toMatch(/^Observation j0001-a1-s1-t-1 \(bash\):\nid,age,sex,bmi/);
          return {
            content: `Writing and submitting.\n${block('python', { code: `open("solution.py", "w").write(${JSON.stringify(solution(s))})` })}\n${block('submit', { summary: 'text protocol' })}`,
          };
        },
      ],
      { rejectTools: true },
    );
    const v = await llmStudy(bench, 'text-protocol', llm);
    expect(llm.requests.map((r) => r.status)).toEqual([400, 200, 200]);
    expect(v.candidates[0]!.scores.valid).toBe(true);
    expect(v.candidates[0]!.summary).toBe('text protocol');
    expect(v.steps.filter((s) => s.kind === 'react.llm').map((s) => s.protocol)).toEqual(['text', 'text']);
    expect(existsSync(join(v.runDir, 'llm', 'j0001-a1.jsonl'))).toBe(true);
  });
});
