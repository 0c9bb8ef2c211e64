import { join } from 'node:path';
import { JobCancelledError, type AgentContext, type Job } from '@aira/coordinator';
import { LlmClient, LlmError } from './client.js';
import { jsonlLog, type LlmLog } from './log.js';
import type { Completion, ToolSpec, Turn } from './types.js';

/** Why a job stops calling the model before it submits. */
export class StopJob extends Error {
  override name = 'StopJob';
}

export interface JobTotals {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  costUsd: number;
  /** True when some call's usage was estimated (the server sent none). */
  estimated: boolean;
}

/**
 * The LLM as one job sees it: every call is refused once the run's cost cap or the job's token
 * limit is reached, logged to `<run>/llm/<job>-a<n>.jsonl`, and its tokens and cost are counted
 * for the job and reported to the run (ctx.reportCost, journaled as `cost` events).
 */
export class JobLlm {
  readonly totals: JobTotals = { calls: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0, costUsd: 0, estimated: false };
  readonly log: LlmLog;
  readonly logPath: string;

  constructor(
    readonly client: LlmClient,
    private readonly job: Job,
    private readonly ctx: AgentContext,
    runDir: string,
    private readonly maxTokens?: number,
  ) {
    this.logPath = join(runDir, 'llm', `${job.spec.id}-a${job.attempt}.jsonl`);
    this.log = jsonlLog(this.logPath, client.redactor, (err) => ctx.log.warn({ err: String(err), path: this.logPath }, 'cannot write the LLM log'));
  }

  get tokens(): number {
    return this.totals.promptTokens + this.totals.completionTokens;
  }

  /** Throws StopJob when no call may start now. */
  check(): void {
    if (this.ctx.signal.aborted) throw new JobCancelledError(String(this.ctx.signal.reason ?? 'cancelled'));
    if (this.ctx.costCapReached()) throw new StopJob('the run reached its cost cap');
    if (this.maxTokens !== undefined && this.tokens >= this.maxTokens) throw new StopJob(`the job used its ${this.maxTokens} tokens`);
  }

  async call(turns: Turn[], step: number, options: { tools?: ToolSpec[]; textInstructions?: string } = {}): Promise<Completion> {
    this.check();
    const callId = `${this.job.spec.id}-a${this.job.attempt}-s${step}`;
    let c: Completion;
    try {
      c = await this.client.complete({
        turns,
        tools: options.tools,
        textInstructions: options.textInstructions,
        signal: this.ctx.signal,
        log: this.log,
        callId,
        tag: { job: this.job.spec.id, attempt: this.job.attempt, step },
      });
    } catch (err) {
      if (this.ctx.signal.aborted) throw new JobCancelledError(String(this.ctx.signal.reason ?? 'cancelled'));
      if (err instanceof LlmError) throw new StopJob(this.client.redactor.text(err.message));
      throw err;
    }
    const t = this.totals;
    t.calls++;
    t.promptTokens += c.usage.promptTokens;
    t.completionTokens += c.usage.completionTokens;
    t.cachedTokens += c.usage.cachedTokens;
    t.costUsd += c.costUsd;
    t.estimated ||= c.usage.estimated;
    await this.ctx.reportCost(c.costUsd, {
      call: c.callId,
      model: c.model,
      promptTokens: c.usage.promptTokens,
      completionTokens: c.usage.completionTokens,
      cachedTokens: c.usage.cachedTokens,
      ...(c.usage.estimated ? { estimated: true } : {}),
    });
    return c;
  }
}
