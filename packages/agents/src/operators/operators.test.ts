import { beforeAll, describe, expect, it } from 'vitest';
import type { Job, ParentView } from '@aira/coordinator';
import { promptDir, renderPrompt } from '../llm/prompts.js';
import { llmStudy, solution, type Bench } from '../llm/test-support/study.js';
import { useLoopbackBench } from '../llm/test-support/hooks.js';
import { extractCode } from './extract.js';
import { operatorTemplate } from './agent.js';

const hooks = useLoopbackBench('aira-operators-');
const serve = hooks.serve;
let bench: Bench;
beforeAll(() => {
  bench = hooks.bench();
});

/** The operators prompt does not carry the react system text: read the folders from the context section. */
function dirsOf(user: string): { data: string; submission: string; python: string } {
  const data = /^(\S+) \(read-only\):/m.exec(user)![1]!;
  const submission = /files the task asks for into (\S+?)\.\s/.exec(user)![1]!;
  const python = /^Python: (\S+)/m.exec(user)![1]!;
  return { data, submission, python };
}

describe('an operators job', () => {
  it('drafts with one call, one script and one run; improves a parent it is shown; reports a failing script', async () => {
    const llm = await serve([
      (req) => {
        expect(req.tools).toBeUndefined();
        expect(req.messages[0]!.content).toContain('one complete, self-contained Python script');
        const user = req.messages[1]!.content!;
        expect(user).toContain('Write a first solution.');
        expect(user).toContain('submission/search.csv');
        expect(user).toContain('train.csv');
        expect(user).toMatch(/Installed packages: .*numpy==/);
        return {
          content: `Plan: least squares on every feature, validated by the search score.\n\n\`\`\`python\n${solution(dirsOf(user))}\`\`\`\n`,
        };
      },
      { content: 'I would use gradient boosting here.' }, // job 2 (a second draft): no code
      (req) => {
        const user = req.messages[1]!.content!;
        expect(user).toMatch(/Its search score is \d+\.\d+ \(the number to beat\)\./);
        expect(user).toContain('Summary: draft: Plan: least squares on every feature');
        expect(user).toContain('np.linalg.lstsq');
        expect(user).toContain('fit on 265 rows');
        return { content: `Use the raw target.\n\`\`\`python\n${solution(dirsOf(user), 'target')}\`\`\`` };
      },
    ]);
    const v = await llmStudy(bench, 'operators', llm, {
      agent: { name: 'operators' },
      budget: { maxJobs: 3 },
      search: { initialPopulation: 1 },
    });
    expect(llm.requests).toHaveLength(3);
    const [draft, empty, improve] = v.candidates;
    expect(draft!.scores.valid).toBe(true);
    expect(draft!.summary).toBe(
      'draft: Plan: least squares on every feature, validated by the search score.',
    );
    expect(empty!.scores.reason).toBe('operators: the reply held no ```python code block');
    expect(improve!.operator).toBe('mutate');
    expect(improve!.scores.valid).toBe(false);
    expect(improve!.scores.reason).toMatch(
      /^solution\.py exited with code 1\nTraceback[\s\S]*KeyError: 'target'/,
    );
    expect(v.steps.filter((s) => s.kind === 'operators.start').map((s) => s.template)).toEqual([
      'draft',
      'draft',
      'improve',
    ]);
    expect(v.steps.filter((s) => s.kind === 'operators.run').map((s) => s.exitCode)).toEqual([0, 1]);
    expect(v.costs).toHaveLength(3);
  });

  it('ends as an invalid candidate naming the status when the endpoint keeps answering 429', async () => {
    const llm = await serve(
      Array.from({ length: 3 }, () => ({
        status: 429,
        message: 'Rate limit reached',
        headers: { 'retry-after-ms': '5' },
      })),
    );
    const v = await llmStudy(bench, 'operators-429', llm, {
      agent: { name: 'operators' },
      llm: { maxRetries: 2 },
    });
    expect(llm.requests).toHaveLength(3);
    expect(v.candidates[0]!.scores.reason).toBe(
      'operators: LLM call failed after 3 attempts (HTTP 429: 429 Rate limit reached)',
    );
    expect(v.costs).toHaveLength(0);
  });
});

describe('operator templates', () => {
  const parent = (id: string, valid: boolean, score: number | null): ParentView => ({
    id,
    operator: 'draft',
    code: `print("${id}")`,
    valid,
    searchScore: score,
    output: `${id} out`,
    reason: valid ? undefined : 'exited with code 1',
  });
  const job = (operator: Job['spec']['operator'], parents: ParentView[]): Job =>
    ({
      spec: { id: 'j1', index: 1, operator, parents: parents.map((p) => p.id), seed: 1, debugDepth: 0 },
      runId: 'r',
      attempt: 1,
      parents,
      task: { competition: null, direction: 'maximize' },
    }) as Job;

  it('picks debug for a failed parent, and every v1 template renders with its variables', () => {
    expect(operatorTemplate(job('draft', []))).toBe('draft');
    expect(operatorTemplate(job('mutate', [parent('a', true, 1)]))).toBe('improve');
    expect(operatorTemplate(job('improve', [parent('a', true, 1)]))).toBe('improve');
    expect(operatorTemplate(job('mutate', [parent('a', false, null)]))).toBe('debug');
    expect(operatorTemplate(job('debug', [parent('a', false, null)]))).toBe('debug');
    expect(operatorTemplate(job('crossover', [parent('a', true, 1), parent('b', true, 2)]))).toBe(
      'crossover',
    );
    const dir = promptDir('operators', 'v1');
    const debug = renderPrompt(dir, 'debug.md', {
      context: 'CTX',
      reason: 'exited with code 1',
      code: 'x = 1/0',
      output: 'ZeroDivisionError',
    });
    expect(debug).toContain('Why it was rejected: exited with code 1');
    expect(debug).toContain('ZeroDivisionError');
    const cross = renderPrompt(dir, 'crossover.md', {
      context: 'CTX',
      scoreA: '1',
      codeA: 'A()',
      outputA: 'oa',
      scoreB: '2',
      codeB: 'B()',
      outputB: 'ob',
    });
    expect(cross).toMatch(/## A: search score 1[\s\S]*A\(\)[\s\S]*## B: search score 2[\s\S]*B\(\)/);
  });
});

describe('extractCode', () => {
  it('takes the longest python block, else an untagged one, and keeps a block cut at the token limit', () => {
    expect(extractCode('plan\n```python\nshort()\n```\n```py\nlonger_call()\n```')).toEqual({
      code: 'longer_call()\n',
      plan: 'plan',
    });
    expect(extractCode('```bash\nls\n```\n```\nprint(1)\n```')!.code).toBe('print(1)\n');
    expect(extractCode('plan\n```python\nimport os\nfor i in range(')!.code).toBe(
      'import os\nfor i in range(\n',
    );
    expect(extractCode('no code at all')).toBeNull();
    expect(extractCode('```python\n\n```')).toBeNull();
  });
});
