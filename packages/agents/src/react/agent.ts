import { posix, relative } from 'node:path';
import { formatDuration } from '@aira/core';
import type {
  Agent,
  AgentContext,
  ExecResult,
  Job,
  RunConfig,
  RunningExec,
  Session,
  SessionFile,
  Submission,
} from '@aira/coordinator';
import type { LlmClient } from '../llm/client.js';
import { Endpoints } from '../llm/endpoints.js';
import { Redactor } from '../llm/redact.js';
import { JobLlm, StopJob } from '../llm/job.js';
import { loadTemplate, promptDir } from '../llm/prompts.js';
import type { ToolCall, ToolSpec, Turn } from '../llm/types.js';
import { probeEnvironment, quote, type Environment } from './environment.js';
import { clip, execObservation } from './observation.js';
import { nudgeText, openingTurns, parentCodePath, textProtocolInstructions, type Limits } from './prompt.js';
import { checkArgs, reactTools, type Args } from './tools.js';
import { Conversation, conversationPath } from './conversation.js';
import { editFile, readFile, writeFile } from './file-tools.js';
import { llmAgentOf } from '../llm/config.js';

export const REACT_AGENT = 'react';

export interface LlmAgentOptions {
  /** Where the key is read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** A client of one's own (tests share one across agents); default: one per agent from the config. */
  client?: LlmClient;
}

const REACT_TEMPLATES = ['system.md', 'task.md', 'parent.md', 'text-protocol.md', 'nudge.md'];
const RECORD_CHARS = 20_000;

/**
 * The `react` agent (docs/paper.md §ReAct): each job is one ReAct trajectory over the session's
 * stateful bash and Python (and, with --file-tools, file tools), ending with `submit`. Tracebacks
 * come back as observations, so the model debugs inside the job; malformed calls, unknown tools and
 * bad arguments are answered, never fatal. Step, token and time limits, and the run's cost cap,
 * end the trajectory: the harness then runs the last solution file it knows of and submits that.
 */
export function reactAgent(config: RunConfig, options: LlmAgentOptions = {}): Agent {
  const endpoints = new Endpoints(config, options.env, REACT_AGENT, options.client);
  const dir = promptDir('react', llmAgentOf(config).prompts);
  for (const t of REACT_TEMPLATES) loadTemplate(dir, t); // a missing template fails the run at its start
  const tools = reactTools(llmAgentOf(config).fileTools);
  return {
    name: REACT_AGENT,
    runJob: (job, session, ctx) =>
      new ReactJob(config, endpoints.forJob(job.spec.operator), dir, tools, job, session, ctx).run(),
    // After a coordinator restart the job goes on from its saved conversation: between calls, or
    // following the tool's exec (or the solution's run) that was in flight to its end.
    canResume: (running) => running === null || RESUMABLE_EXECS.has(running.label),
    resumeJob: (job, session, ctx, running) =>
      new ReactJob(config, endpoints.forJob(job.spec.operator), dir, tools, job, session, ctx).resume(
        running,
      ),
  };
}

/** Exec labels of a ReAct job that a restarted coordinator can follow: the tool calls and the solution's run. */
const RESUMABLE_EXECS = new Map([
  ['tool:bash', 'bash'],
  ['tool:python', 'python'],
  ['solution', 'submit'],
]);

interface ToolOutcome {
  content: string;
  submission?: Submission;
  exec?: ExecResult;
  error?: boolean;
}

class ReactJob {
  private readonly started = Date.now();
  private deadline = 0;
  private step = 0;
  private turns: Turn[] = [];
  private conversation!: Conversation;
  private llm!: JobLlm;
  private env!: Environment;
  private limits!: Limits;
  private kernelReady = false;
  /** The file most recently named by submit: what the harness runs when the job ends without a submit. */
  private lastSubmitPath: string | null = null;
  /** The last run of each file the model started from bash (for submit with rerun: false). */
  private readonly lastRuns = new Map<string, ExecResult>();

  /** The job's main endpoint (fallbacks take calls while it is down) and a redactor of every endpoint's key. */
  private readonly client: LlmClient;
  private readonly redactor: Redactor;

  constructor(
    private readonly config: RunConfig,
    private readonly clients: LlmClient[],
    private readonly dir: string,
    private readonly tools: ToolSpec[],
    private readonly job: Job,
    private readonly session: Session,
    private readonly ctx: AgentContext,
  ) {
    this.client = clients[0]!;
    this.redactor = new Redactor(clients.map((c) => c.settings.apiKey));
  }

  private timeLeft(): number {
    return Math.min(this.deadline - Date.now(), this.ctx.remainingMs());
  }

  private budgetNote(): string {
    const steps = this.limits.maxSteps - this.step;
    const tokens =
      this.limits.maxTokens !== undefined
        ? `, ${Math.max(0, this.limits.maxTokens - this.llm.tokens)} tokens`
        : '';
    return `[${steps} step${steps === 1 ? '' : 's'}, ${formatDuration(Math.max(0, this.timeLeft()))}${tokens} left]`;
  }

  private setLimits(): void {
    const a = llmAgentOf(this.config);
    const runLeftMs = this.ctx.remainingMs();
    const timeMs = Math.min(a.jobTime ?? Infinity, runLeftMs);
    this.deadline = this.started + timeMs;
    this.limits = {
      maxSteps: a.maxSteps,
      maxTokens: a.maxTokens,
      timeMs,
      runLeftMs,
      perExecMs: this.config.budget.perExec,
    };
  }

  private async pushTurn(
    step: number,
    turn: Turn,
    usage?: Parameters<Conversation['turn']>[2],
  ): Promise<void> {
    this.turns.push(turn);
    await this.conversation.turn(step, turn, usage);
  }

  async run(): Promise<Submission> {
    const a = llmAgentOf(this.config);
    this.setLimits();
    this.env = await probeEnvironment(this.session, this.job);
    await this.putParents();
    this.llm = new JobLlm(this.clients, this.job, this.ctx, this.env.runDir, a.maxTokens);
    this.conversation = new Conversation(
      conversationPath(this.ctx.runDir, this.job.spec.id, this.job.attempt),
      this.redactor,
    );
    const { system, user } = openingTurns(this.dir, this.job, this.session, this.env, this.limits, {
      fileTools: a.fileTools,
      outputChars: a.outputChars,
    });
    await this.pushTurn(0, { role: 'system', content: system });
    await this.pushTurn(0, { role: 'user', content: user });
    await this.record({
      kind: 'react.start',
      model: this.client.settings.model,
      protocol: this.client.protocol,
      tools: this.tools.map((t) => t.name),
      limits: { maxSteps: a.maxSteps, maxTokens: a.maxTokens ?? null, timeMs: this.limits.timeMs },
      prompts: a.prompts,
      llmLog: relative(this.env.runDir, this.llm.logPath),
      system,
      prompt: clip(user, RECORD_CHARS).text, // whole in the LLM log
    });
    return this.loop(1);
  }

  /**
   * Continues a job a previous coordinator was running: the conversation saved so far, the
   * tokens it spent (restored, not reported again), and the session as it is. The reply whose
   * calls were under way gets its results: the running exec is followed to its end, calls not
   * started yet run now, and a call that may or may not have run is reported as lost.
   */
  async resume(running: RunningExec | null): Promise<Submission> {
    const a = llmAgentOf(this.config);
    const path = conversationPath(this.ctx.runDir, this.job.spec.id, this.job.attempt);
    const saved = await Conversation.read(path);
    if (!saved) {
      // Nothing was said yet: let what runs end, then start the job in this session.
      if (running) await this.session.attach(running.execId, { label: running.label });
      return this.run();
    }
    this.setLimits();
    this.env = { layout: '', python: this.session.python, packages: [], runDir: this.ctx.runDir };
    this.llm = new JobLlm(this.clients, this.job, this.ctx, this.ctx.runDir, a.maxTokens);
    this.llm.restore(saved.totals);
    this.conversation = new Conversation(path, this.redactor);
    this.turns = saved.turns;
    this.step = saved.step;
    this.lastSubmitPath = saved.lastSubmitPath;
    this.kernelReady = saved.kernelReady;
    await this.record({
      kind: 'react.resumed',
      step: this.step,
      running: running ? { execId: running.execId, label: running.label } : null,
      calls: saved.totals.calls,
      tokens: this.llm.tokens,
    });
    const lastReply = this.turns.findLastIndex((t) => t.role === 'assistant');
    const reply =
      lastReply >= 0 ? (this.turns[lastReply] as Extract<Turn, { role: 'assistant' }>) : undefined;
    const answered = new Set(
      this.turns.slice(lastReply + 1).flatMap((t) => (t.role === 'tool' ? [t.callId] : [])),
    );
    const pending = reply?.toolCalls.filter((c) => !answered.has(c.id)) ?? [];
    // Killed after the job had submitted (before the coordinator journaled it): submit the same again, with no new call.
    const done = reply && this.submittedBy(reply, lastReply);
    if (done && pending.length === 0) {
      const submission = await this.ended(await this.resubmit(done));
      if (submission) return submission;
    }
    const first = pending[0];
    const outcomes = new Map<string, ToolOutcome>();
    const submission = await this.stoppable(async () => {
      if (running) {
        // Calls run one after another, so the exec still running belongs to the first unanswered one.
        const mine = first && RESUMABLE_EXECS.get(running.label) === first.name ? first : undefined;
        const start = mine ? this.startOf(mine) : undefined;
        const r = await this.session.attach(running.execId, {
          label: running.label,
          ...(start ? { start } : {}),
        });
        if (mine) outcomes.set(mine.id, await this.outcomeOf(mine, r));
      } else if (first) {
        outcomes.set(first.id, {
          content:
            'error: the harness restarted while this call was under way and its result was lost; check what it changed (files, variables) and run it again if it is still needed.',
          error: true,
        });
      }
      return pending.length > 0 ? this.ended(await this.runCalls(pending, outcomes)) : undefined;
    });
    return submission ?? this.loop(this.step + 1);
  }

  /** Records the job's end when `submission` ended it, and hands it on. */
  private async ended(submission: Submission | undefined): Promise<Submission | undefined> {
    if (submission) await this.recordEnd('submitted', this.lastSubmitPath);
    return submission;
  }

  /** Runs `steps`; a StopJob (steps, time or budget used up) ends the job without a submission. */
  private async stoppable<T>(steps: () => Promise<T>): Promise<T | Submission> {
    try {
      return await steps();
    } catch (err) {
      if (!(err instanceof StopJob)) throw err;
      return this.finishWithoutSubmit(err.message);
    }
  }

  /** The submit call of a reply that ended the job, with what it was answered. */
  private submittedBy(
    reply: Extract<Turn, { role: 'assistant' }>,
    at: number,
  ): { call: ToolCall; result: string } | undefined {
    for (const t of this.turns.slice(at + 1)) {
      if (t.role !== 'tool' || !t.content.startsWith('submitted ')) continue;
      const call = reply.toolCalls.find((c) => c.id === t.callId && c.name === 'submit');
      if (call) return { call, result: t.content };
    }
    return undefined;
  }

  /** The submission a submit made before a restart: its file and the prediction files as they are in the session. */
  private async resubmit(done: { call: ToolCall; result: string }): Promise<Submission | undefined> {
    const checked = checkArgs(
      this.tools.find((t) => t.name === 'submit')!,
      done.call.arguments,
    );
    const args = 'error' in checked ? {} : checked.args;
    const path = this.submitPath(args);
    const code = path ? await this.readWork(path) : null;
    if (!path || code === null) return undefined;
    this.lastSubmitPath = path;
    const files = await this.session.getFiles(['submission']);
    const summary =
      typeof args.summary === 'string' && args.summary.trim()
        ? args.summary.trim()
        : `react: submitted ${path} at step ${this.step}`;
    await this.record({ kind: 'react.resubmitted', step: this.step, path, files: files.map((f) => f.path) });
    // The observation holds the run's output (head and tail), where a self-reported score line sits.
    return { code, codePath: path, files, output: done.result, exitCode: 0, summary };
  }

  /** The request of a call's exec, as runTool sends it (resent under the same id if the worker never got it). */
  private startOf(call: ToolCall): { kind: 'bash' | 'python'; code: string } | undefined {
    const spec = this.tools.find((t) => t.name === call.name);
    const checked = spec ? checkArgs(spec, call.arguments) : undefined;
    if (!checked || 'error' in checked) return undefined;
    if (call.name === 'bash') return { kind: 'bash', code: String(checked.args.command) };
    if (call.name === 'python') return { kind: 'python', code: String(checked.args.code) };
    const path = this.submitPath(checked.args);
    return path ? { kind: 'bash', code: this.solutionCommand(path) } : undefined;
  }

  /** What a call whose exec ran under a previous coordinator gets back. */
  private async outcomeOf(call: ToolCall, r: ExecResult): Promise<ToolOutcome> {
    if (call.name === 'submit') {
      const spec = this.tools.find((t) => t.name === 'submit')!;
      const checked = checkArgs(spec, call.arguments);
      return this.submit('error' in checked ? {} : checked.args, r);
    }
    return { content: execObservation(r, llmAgentOf(this.config).outputChars, this.budgetNote()), exec: r };
  }

  private async loop(from: number): Promise<Submission> {
    const a = llmAgentOf(this.config);
    const textInstructions = textProtocolInstructions(this.dir, this.tools);
    return this.stoppable(async (): Promise<Submission> => {
      for (this.step = from; ; this.step++) {
        if (this.step > a.maxSteps) throw new StopJob(`the job used its ${a.maxSteps} steps`);
        if (this.timeLeft() <= 0) throw new StopJob('the job ran out of time');
        const c = await this.llm.call(this.turns, this.step, { tools: this.tools, textInstructions });
        const usage = {
          promptTokens: c.usage.promptTokens,
          completionTokens: c.usage.completionTokens,
          cachedTokens: c.usage.cachedTokens,
          costUsd: c.costUsd,
          estimated: c.usage.estimated,
        };
        await this.pushTurn(
          this.step,
          {
            role: 'assistant',
            content: c.content,
            toolCalls: c.toolCalls,
            ...(c.reasoning ? { reasoning: c.reasoning } : {}),
          },
          usage,
        );
        await this.record({
          kind: 'react.llm',
          step: this.step,
          call: c.callId,
          protocol: c.protocol,
          content: clip(c.content, RECORD_CHARS).text,
          ...(c.reasoning ? { reasoning: clip(c.reasoning, RECORD_CHARS).text } : {}),
          toolCalls: c.toolCalls.map((t) => ({
            id: t.id,
            name: t.name,
            arguments: clip(t.arguments, RECORD_CHARS).text,
            ...(t.error ? { error: t.error } : {}),
          })),
          finishReason: c.finishReason,
          usage: c.usage,
          costUsd: c.costUsd,
          durationMs: c.durationMs,
          attempts: c.attempts,
          ...(c.context.shortened || c.context.summarized || c.context.dropped || c.context.refusals
            ? { context: c.context }
            : {}),
        });
        if (c.toolCalls.length === 0) {
          const nudge = nudgeText(this.dir, this.tools);
          await this.pushTurn(this.step, { role: 'user', content: `${nudge}\n${this.budgetNote()}` });
          await this.record({
            kind: 'react.tool',
            step: this.step,
            tool: null,
            error: true,
            observation: nudge,
            durationMs: 0,
          });
          continue;
        }
        const submission = await this.ended(await this.runCalls(c.toolCalls));
        if (submission) return submission;
      }
    });
  }

  /** Runs a reply's calls in order (or takes the outcome given for one); the submission when one ends the job. */
  private async runCalls(
    calls: ToolCall[],
    given = new Map<string, ToolOutcome>(),
  ): Promise<Submission | undefined> {
    let submission: Submission | undefined;
    for (const call of calls) {
      if (submission) {
        await this.pushTurn(this.step, {
          role: 'tool',
          callId: call.id,
          name: call.name,
          content: 'not run: the job was already submitted',
        });
        continue;
      }
      const t0 = Date.now();
      const out = given.get(call.id) ?? (await this.runTool(call));
      // Output that shows the key (a leaked environment) reaches neither the model nor the journal.
      out.content = this.redactor.text(out.content);
      await this.pushTurn(this.step, {
        role: 'tool',
        callId: call.id,
        name: call.name,
        content: out.content,
      });
      await this.record({
        kind: 'react.tool',
        step: this.step,
        call: call.id,
        tool: call.name,
        args: clip(call.arguments, RECORD_CHARS).text,
        observation: clip(out.content, RECORD_CHARS).text,
        durationMs: out.exec?.durationMs ?? Date.now() - t0,
        ...(out.exec
          ? {
              execId: out.exec.execId,
              exitCode: out.exec.exitCode,
              reason: out.exec.reason,
              log: relative(this.env.runDir, out.exec.logPath),
            }
          : {}),
        ...(out.error ? { error: true } : {}),
        ...(given.has(call.id) ? { resumed: true } : {}),
      });
      submission = out.submission;
    }
    return submission;
  }

  private async record(step: Record<string, unknown>): Promise<void> {
    await this.ctx.record(this.redactor.value(step));
  }

  private async recordEnd(reason: string, submitted: string | null): Promise<void> {
    await this.record({
      kind: 'react.end',
      reason,
      steps: Math.min(this.step, this.limits.maxSteps),
      submitted,
      durationMs: Date.now() - this.started,
      ...this.llm.totals,
      tokens: this.llm.tokens,
    });
  }

  private async putParents(): Promise<void> {
    const files: SessionFile[] = [];
    for (const p of this.job.parents) {
      files.push({ path: `work/${parentCodePath(p)}`, data: Buffer.from(p.code) });
      files.push({ path: `work/parents/${p.id}/output.txt`, data: Buffer.from(p.output) });
    }
    if (files.length) await this.session.putFiles(files);
  }

  // ---- tools ------------------------------------------------------------------------------------

  private async runTool(call: ToolCall): Promise<ToolOutcome> {
    const names = this.tools.map((t) => t.name).join(', ');
    if (call.error) return { content: `error: ${call.error}. Nothing was run.`, error: true };
    const spec = this.tools.find((t) => t.name === call.name);
    if (!spec)
      return {
        content: `error: there is no tool "${call.name}"; the tools are ${names}. Nothing was run.`,
        error: true,
      };
    const checked = checkArgs(spec, call.arguments);
    if ('error' in checked) return { content: `error: ${checked.error}. Nothing was run.`, error: true };
    const args = checked.args;
    const left = this.timeLeft();
    if (left <= 0) throw new StopJob('the job ran out of time');
    // A whole number of ms, as the exec contract's wall_ms is (the time left is fractional).
    const timeoutMs = Math.max(
      1,
      Math.floor(
        typeof args.timeout === 'number' && args.timeout > 0 ? Math.min(args.timeout * 1000, left) : left,
      ),
    );
    const chars = llmAgentOf(this.config).outputChars;
    switch (call.name) {
      case 'bash': {
        const command = String(args.command);
        const r = await this.session.exec('bash', command, { timeoutMs, label: 'tool:bash' });
        this.noteRuns(command, r);
        return { content: execObservation(r, chars, this.budgetNote()), exec: r };
      }
      case 'python': {
        await this.kernelInWork();
        const r = await this.session.exec('python', String(args.code), { timeoutMs, label: 'tool:python' });
        return { content: execObservation(r, chars, this.budgetNote()), exec: r };
      }
      case 'read_file':
        return readFile(this.session, args, chars);
      case 'write_file':
        return writeFile(this.session, args);
      case 'edit_file':
        return editFile(this.session, args);
      case 'submit':
        return this.submit(args);
      default:
        return { content: `error: there is no tool "${call.name}"; the tools are ${names}.`, error: true };
    }
  }

  /** The kernel starts wherever the worker put it; the model is told it starts in the work folder. */
  private async kernelInWork(): Promise<void> {
    if (this.kernelReady) return;
    await this.session.exec(
      'python',
      `import os as _aira_os\n_aira_os.chdir(${JSON.stringify(this.session.dirs.work)})\ndel _aira_os`,
      { label: 'agent:setup' },
    );
    this.kernelReady = true;
    await this.conversation.state({ kernelReady: true });
  }

  /** Remembers a bash command's result as the last run of each .py file it names. */
  private noteRuns(command: string, r: ExecResult): void {
    for (const m of command.matchAll(/([\w./-]+\.py)\b/g))
      this.lastRuns.set(posix.normalize(m[1]!.replace(/^\.\//, '')), r);
  }

  /** A path the model gave, as a path inside the work folder; null when it points elsewhere. */
  private workPath(path: string): string | null {
    const work = this.session.dirs.work.replace(/\/+$/, '');
    let p = path.trim();
    if (p.startsWith(`${work}/`)) p = p.slice(work.length + 1);
    else if (posix.isAbsolute(p)) return null;
    p = posix.normalize(p);
    return p === '.' || p.startsWith('../') || p === '..' ? null : p;
  }

  private submitPath(args: Args): string | null {
    return this.workPath(typeof args.path === 'string' && args.path.trim() ? args.path : 'solution.py');
  }

  /** Submits; `ran` is the solution's run when it already happened (followed after a restart). */
  private async submit(args: Args, ran?: ExecResult): Promise<ToolOutcome> {
    const given = typeof args.path === 'string' && args.path.trim() ? args.path : 'solution.py';
    const path = this.submitPath(args);
    if (!path)
      return {
        content: `submit: "${given}" is not inside the work folder ${this.session.dirs.work}; put the solution there.`,
        error: true,
      };
    this.lastSubmitPath = path;
    await this.conversation.state({ lastSubmitPath: path });
    const code = await this.readWork(path);
    if (code === null)
      return {
        content: `submit: there is no ${path} in the work folder ${this.session.dirs.work}; write the solution file first.`,
        error: true,
      };
    let run = ran ?? (args.rerun === false ? this.lastRuns.get(path) : undefined);
    let files: SessionFile[] =
      run && ((run.exitCode === 0 && !run.reason) || ran) ? await this.session.getFiles(['submission']) : [];
    if (files.length === 0 && !ran) {
      run = await this.runSolution(path, this.timeLeft());
      files = await this.session.getFiles(['submission']);
    }
    const obs = execObservation(run!, llmAgentOf(this.config).outputChars, this.budgetNote());
    if (run!.exitCode !== 0 || run!.reason) {
      return {
        content: `submit: ${path} failed, so the job goes on; fix it and submit again.\n${obs}`,
        exec: run,
        error: true,
      };
    }
    if (files.length === 0 && this.asksForFiles()) {
      return {
        content: `submit: ${path} ran but wrote nothing into ${this.session.dirs.submission}; the task asks for prediction files there.\n${obs}`,
        exec: run,
        error: true,
      };
    }
    const summary =
      typeof args.summary === 'string' && args.summary.trim()
        ? args.summary.trim()
        : `react: submitted ${path} at step ${this.step}`;
    return {
      content: `submitted ${path}${files.length ? `: ${files.map((f) => f.path).join(', ')}` : ' (it wrote no files)'}\n${obs}`,
      exec: run,
      submission: { code, codePath: path, files, output: run!.output, exitCode: run!.exitCode, summary },
    };
  }

  /** Whether the task wants files in the submission folder (HCE does; a self-reported score needs none). */
  private asksForFiles(): boolean {
    const d = this.job.task.description ?? '';
    return d.includes('submission/') || d.includes(this.session.dirs.submission);
  }

  private async readWork(path: string): Promise<string | null> {
    try {
      const [f] = await this.session.getFiles([`work/${path}`]);
      return f ? f.data.toString('utf8') : null;
    } catch (err) {
      if (this.session.signal.aborted) throw err;
      return null;
    }
  }

  /** Runs a solution from a clean submission folder, in a subshell so the model's shell keeps its folder. */
  private runSolution(path: string, timeoutMs: number): Promise<ExecResult> {
    return this.session.exec('bash', this.solutionCommand(path), {
      timeoutMs: Math.max(1, Math.floor(timeoutMs)),
      label: 'solution',
    });
  }

  private solutionCommand(path: string): string {
    const d = this.session.dirs;
    const python = this.session.python || 'python3';
    return `find ${quote(d.submission)} -mindepth 1 -delete 2>/dev/null; (cd ${quote(d.work)} && ${quote(python)} ${quote(path)})`;
  }

  /**
   * The trajectory ended without a submit (steps, tokens, time, cost cap, an LLM that stopped
   * answering): the harness submits what the job has — the last file named by submit, else
   * solution.py — run once more while time is left, else the prediction files already there.
   */
  private async finishWithoutSubmit(reason: string): Promise<Submission> {
    const path = this.lastSubmitPath ?? 'solution.py';
    const code = await this.readWork(path);
    const failed = (why: string): Submission => ({
      code: code ?? '',
      codePath: path,
      files: [],
      output: '',
      exitCode: -1,
      failure: `react: ${reason}; ${why}`,
    });
    if (code === null) {
      await this.recordEnd(reason, null);
      return failed(`no ${path} in the work folder to submit`);
    }
    const left = this.timeLeft();
    let run: ExecResult | undefined;
    let files: SessionFile[];
    if (left > 0) {
      run = await this.runSolution(path, left);
      files = await this.session.getFiles(['submission']);
    } else {
      run = this.lastRuns.get(path);
      files = await this.session.getFiles(['submission']);
    }
    await this.record({
      kind: 'react.fallback',
      reason,
      path,
      ran: left > 0,
      ...(run ? { exitCode: run.exitCode, execId: run.execId } : {}),
      files: files.map((f) => f.path),
    });
    await this.recordEnd(reason, path);
    const summary = `react: ${reason}; the harness submitted ${path}`;
    if (run && (run.exitCode !== 0 || run.reason)) {
      return {
        code,
        codePath: path,
        files,
        output: run.output,
        exitCode: run.exitCode,
        failure: `react: ${reason}; ${path} ${run.reason ? `stopped (${run.reason})` : `exited with code ${run.exitCode}`}`,
        summary,
      };
    }
    if (files.length === 0 && this.asksForFiles())
      return { ...failed(`${path} wrote no prediction files`), code, output: run?.output ?? '', summary };
    return { code, codePath: path, files, output: run?.output ?? '', exitCode: run?.exitCode ?? 0, summary };
  }
}
