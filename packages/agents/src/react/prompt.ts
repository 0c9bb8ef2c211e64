import { formatDuration } from '@aira/core';
import type { Job, ParentView, Session } from '@aira/coordinator';
import { describeTools } from '../llm/text-protocol.js';
import { renderPrompt } from '../llm/prompts.js';
import type { ToolSpec } from '../llm/types.js';
import type { Environment } from './environment.js';
import { clip } from './observation.js';

/** Where a parent's code is put in the session, so the model can run or copy it. */
export const parentCodePath = (p: ParentView) => `parents/${p.id}/solution.py`;

export function scoreLine(p: ParentView): string {
  if (!p.valid) return `invalid${p.reason ? ` (${firstLine(p.reason)})` : ''}`;
  return p.searchScore === null ? 'no search score' : `search score ${p.searchScore}`;
}

function firstLine(s: string): string {
  const line = s.trim().split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

export interface Limits {
  maxSteps: number;
  maxTokens?: number;
  /** The job's time limit (ms), already within the run's remaining time. */
  timeMs: number;
  /** The run's remaining active time (ms) when the job started. */
  runLeftMs: number;
  perExecMs: number;
}

export function budgetText(l: Limits): string {
  const parts = [
    `at most ${l.maxSteps} steps (replies that call tools)`,
    `${formatDuration(l.timeMs)} of time`,
  ];
  if (l.maxTokens !== undefined) parts.push(`${l.maxTokens} tokens`);
  return [
    `This job: ${parts.join(', ')}. Submitting ends it.`,
    `The whole run has ${formatDuration(l.runLeftMs)} of active time left; one command may run for at most ${formatDuration(l.perExecMs)}.`,
  ].join('\n');
}

/**
 * The job's opening messages (docs/paper.md §ReAct: the task, the data, the parent solution(s)
 * with their metadata, and the budgets; no scripted guidance).
 */
export function openingTurns(
  dir: string,
  job: Job,
  session: Session,
  env: Environment,
  limits: Limits,
  opts: { fileTools: boolean; outputChars: number },
): { system: string; user: string } {
  const system = renderPrompt(dir, 'system.md', {
    dataDir: session.dirs.data,
    workDir: session.dirs.work,
    submissionDir: session.dirs.submission,
    fileTools: opts.fileTools,
  });
  const parents = job.parents
    .map((p) =>
      renderPrompt(dir, 'parent.md', {
        id: p.id,
        scoreLine: scoreLine(p),
        operator: p.operator,
        summary: p.summary ?? '',
        codePath: `${session.dirs.work}/${parentCodePath(p)}`,
        code: p.code,
        output: clip(p.output.trimEnd(), opts.outputChars).text,
      }),
    )
    .join('\n\n');
  const op = job.spec.operator;
  const user = renderPrompt(dir, 'task.md', {
    ...taskVars(job, session, env),
    draft: op === 'draft',
    mutate: op === 'mutate' || op === 'improve',
    crossover: op === 'crossover',
    debug: op === 'debug',
    parents,
    budget: budgetText(limits),
  });
  return { system, user };
}

/** The prompt variables every agent's prompt describes the task with: what it is, its data, its Python. */
export function taskVars(job: Job, session: Session, env: Environment) {
  return {
    description: job.task.description?.trim() || '(no description was given)',
    dataDir: session.dirs.data,
    layout: env.layout,
    python: env.python,
    packages: env.packages.join(', ') || '(unknown)',
  };
}

export function textProtocolInstructions(dir: string, tools: ToolSpec[]): string {
  return renderPrompt(dir, 'text-protocol.md', { tools: describeTools(tools) });
}

export function nudgeText(dir: string, tools: ToolSpec[]): string {
  return renderPrompt(dir, 'nudge.md', { tools: tools.map((t) => t.name).join(', ') });
}
