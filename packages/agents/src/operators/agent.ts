import { relative } from 'node:path';
import { formatDuration } from '@aira/core';
import type {
  Agent,
  AgentContext,
  ExecResult,
  Job,
  ParentView,
  RunConfig,
  Session,
  Submission,
} from '@aira/coordinator';
import { Endpoints } from '../llm/endpoints.js';
import { JobLlm, StopJob } from '../llm/job.js';
import { loadTemplate, promptDir, renderPrompt } from '../llm/prompts.js';
import { probeEnvironment, quote, type Environment } from '../react/environment.js';
import { clip } from '../react/observation.js';
import { taskVars } from '../react/prompt.js';
import type { LlmAgentOptions } from '../react/agent.js';
import { extractCode } from './extract.js';
import { llmAgentOf } from '../llm/config.js';

export const OPERATORS_AGENT = 'operators';

const TEMPLATES = ['system.md', 'context.md', 'draft.md', 'improve.md', 'debug.md', 'crossover.md'];
const CODE_PATH = 'solution.py';
const RECORD_CHARS = 100_000;

/** Which template an operator uses: a mutation of a failed parent is a debug. */
export function operatorTemplate(job: Job): 'draft' | 'improve' | 'debug' | 'crossover' {
  const op = job.spec.operator;
  if (op === 'draft' || job.parents.length === 0) return 'draft';
  if (op === 'crossover' && job.parents.length >= 2) return 'crossover';
  if (op === 'debug' || !job.parents[0]!.valid) return 'debug';
  return 'improve';
}

const score = (p: ParentView) => (p.searchScore === null ? 'none' : String(p.searchScore));

/**
 * The `operators` agent: AIRA-dojo's single-turn draft / improve / debug / crossover
 * (docs/paper.md §Operators, the "No Subagents" ablation of §ReAct): one LLM call, one script taken
 * from its code block, one execution, and the result goes back to the search. Prompts are the
 * versioned templates in prompts/operators/<version>/.
 */
export function operatorsAgent(config: RunConfig, options: LlmAgentOptions = {}): Agent {
  const endpoints = new Endpoints(config, options.env, OPERATORS_AGENT, options.client);
  const dir = promptDir('operators', llmAgentOf(config).prompts);
  for (const t of TEMPLATES) loadTemplate(dir, t);
  return {
    name: OPERATORS_AGENT,
    async runJob(job: Job, session: Session, ctx: AgentContext): Promise<Submission> {
      const started = Date.now();
      const timeMs = Math.min(llmAgentOf(config).jobTime ?? Infinity, ctx.remainingMs());
      const env = await probeEnvironment(session, job);
      const llm = new JobLlm(
        endpoints.forJob(job.spec.operator),
        job,
        ctx,
        env.runDir,
        llmAgentOf(config).maxTokens,
      );
      const client = llm.client;
      const template = operatorTemplate(job);
      const prompt = renderPrompt(
        dir,
        `${template}.md`,
        promptVars(dir, job, session, env, template, timeMs, llmAgentOf(config).outputChars),
      );
      const system = renderPrompt(dir, 'system.md', {});
      const record = (step: Record<string, unknown>) => ctx.record(llm.redactor.value(step));
      await record({
        kind: 'operators.start',
        operator: job.spec.operator,
        template,
        model: client.settings.model,
        prompts: llmAgentOf(config).prompts,
        llmLog: relative(env.runDir, llm.logPath),
        system,
        prompt: clip(prompt, RECORD_CHARS).text,
      });
      const end = async (reason: string) =>
        record({
          kind: 'operators.end',
          reason,
          durationMs: Date.now() - started,
          ...llm.totals,
          tokens: llm.tokens,
        });
      const failed = (why: string, code = ''): Submission => ({
        code,
        codePath: CODE_PATH,
        files: [],
        output: '',
        exitCode: -1,
        failure: `operators: ${why}`,
      });
      let reply;
      try {
        reply = await llm.call(
          [
            { role: 'system', content: system },
            { role: 'user', content: prompt },
          ],
          1,
        );
      } catch (err) {
        if (!(err instanceof StopJob)) throw err;
        await end(err.message);
        return failed(err.message);
      }
      await record({
        kind: 'operators.llm',
        step: 1,
        call: reply.callId,
        content: clip(reply.content, RECORD_CHARS).text,
        finishReason: reply.finishReason,
        usage: reply.usage,
        costUsd: reply.costUsd,
        durationMs: reply.durationMs,
        attempts: reply.attempts,
      });
      const extracted = extractCode(reply.content);
      if (!extracted) {
        await end('no code block');
        return failed('the reply held no ```python code block');
      }
      await session.putFiles([{ path: `work/${CODE_PATH}`, data: Buffer.from(extracted.code) }]);
      const left = Math.min(started + timeMs - Date.now(), ctx.remainingMs());
      const python = session.python || 'python3';
      const d = session.dirs;
      const run = await session.exec(
        'bash',
        `find ${quote(d.submission)} -mindepth 1 -delete 2>/dev/null; cd ${quote(d.work)} && ${quote(python)} ${CODE_PATH}`,
        {
          label: 'solution',
          timeoutMs: Math.max(1, Math.floor(left)),
        },
      );
      const files = await session.getFiles(['submission']);
      await record({
        kind: 'operators.run',
        execId: run.execId,
        exitCode: run.exitCode,
        reason: run.reason,
        durationMs: run.durationMs,
        log: relative(env.runDir, run.logPath),
        files: files.map((f) => f.path),
      });
      await end(run.exitCode === 0 && !run.reason ? 'ran' : 'failed');
      const bad = run.exitCode !== 0 || run.reason !== '';
      return {
        code: extracted.code,
        codePath: CODE_PATH,
        files,
        output: run.output,
        exitCode: run.exitCode,
        failure: bad ? failureText(run) : undefined,
        summary: `${template}: ${firstSentences(extracted.plan)}`,
      };
    },
  };
}

function promptVars(
  dir: string,
  job: Job,
  session: Session,
  env: Environment,
  template: string,
  timeMs: number,
  outputChars: number,
) {
  const context = renderPrompt(dir, 'context.md', {
    ...taskVars(job, session, env),
    workDir: session.dirs.work,
    submissionDir: session.dirs.submission,
    timeLimit: Number.isFinite(timeMs) ? formatDuration(timeMs) : 'no set limit',
  });
  const out = (p: ParentView) => clip(p.output.trimEnd(), outputChars).text;
  const [a, b] = job.parents;
  if (template === 'crossover')
    return {
      context,
      scoreA: score(a!),
      codeA: a!.code,
      outputA: out(a!),
      scoreB: score(b!),
      codeB: b!.code,
      outputB: out(b!),
    };
  if (template === 'improve')
    return { context, score: score(a!), summary: a!.summary ?? '', code: a!.code, output: out(a!) };
  if (template === 'debug') return { context, reason: a!.reason ?? '', code: a!.code, output: out(a!) };
  return { context };
}

/** The traceback of a failed run (from its last "Traceback"), else its last lines; kept short. */
export function failureText(r: Pick<ExecResult, 'output' | 'exitCode' | 'reason'>): string {
  const out = r.output.trimEnd();
  const at = out.lastIndexOf('Traceback (most recent call last):');
  const body = clip(at >= 0 ? out.slice(at) : out.split('\n').slice(-20).join('\n'), 4000).text;
  return `${CODE_PATH} ${r.reason ? `stopped (${r.reason})` : `exited with code ${r.exitCode}`}${body ? `\n${body}` : ''}`;
}

function firstSentences(plan: string): string {
  const text = plan.replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text || '(no plan)';
}
