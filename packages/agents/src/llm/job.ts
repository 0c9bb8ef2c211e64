import { join } from 'node:path';
import { JobCancelledError, type AgentContext, type Job } from '@aira/coordinator';
import { LlmClient, LlmError } from './client.js';
import { ContextWindow } from './context.js';
import { jsonlLog, type LlmLog } from './log.js';
import { Redactor } from './redact.js';
import type { Completion, ToolSpec, Turn } from './types.js';

/** How the prompt of a call was fitted to the model's context window. */
export interface ContextNote {
  /** The context length in force (null: unknown). */
  limit: number | null;
  /** Estimated prompt tokens sent. */
  tokens: number;
  shortened: number;
  summarized: number;
  dropped: number;
  /** Context-length refusals of this call before one fitted. */
  refusals: number;
}

/** Context-length refusals one call may get before the job stops (each shortens the prompt further). */
const MAX_REFUSALS = 5;

/** How long an endpoint that failed a call for good is passed over in favour of its fallbacks. */
const DOWN_MS = 5 * 60_000;
/** Endpoints (base URL + model) that failed for good in this process, and until when they are passed over. */
const downUntil = new Map<string, number>();
const endpointKey = (c: LlmClient) => `${c.settings.baseUrl.replace(/\/+$/, '')}|${c.settings.model}`;

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

/** Totals of a job that has made no call yet. */
export const noTotals = (): JobTotals => ({
  calls: 0,
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  costUsd: 0,
  estimated: false,
});

/**
 * The LLM as one job sees it: every call is refused once the run's cost cap or the job's token
 * limit is reached, logged to `<run>/llm/<job>-a<n>.jsonl`, and its tokens and cost are counted
 * for the job and reported to the run (ctx.reportCost, journaled as `cost` events).
 */
export class JobLlm {
  readonly totals: JobTotals = noTotals();
  readonly log: LlmLog;
  readonly logPath: string;
  /** Removes every endpoint's key. */
  readonly redactor: Redactor;
  private readonly clients: LlmClient[];
  private readonly windows = new Map<LlmClient, ContextWindow>();

  /** `client`: the endpoint to call, or several: the first that is not down, the others as fallbacks in order. */
  constructor(
    client: LlmClient | LlmClient[],
    private readonly job: Job,
    private readonly ctx: AgentContext,
    runDir: string,
    private readonly maxTokens?: number,
  ) {
    this.clients = Array.isArray(client) ? client : [client];
    if (this.clients.length === 0) throw new Error('JobLlm needs an LLM client');
    this.redactor = new Redactor(this.clients.map((c) => c.settings.apiKey));
    this.logPath = join(runDir, 'llm', `${job.spec.id}-a${job.attempt}.jsonl`);
    this.log = jsonlLog(this.logPath, this.redactor, (err) =>
      ctx.log.warn({ err: String(err), path: this.logPath }, 'cannot write the LLM log'),
    );
  }

  /** The endpoint the next call goes to: the first one not marked down (the first when all are). */
  get client(): LlmClient {
    const now = Date.now();
    return this.clients.find((c) => (downUntil.get(endpointKey(c)) ?? 0) <= now) ?? this.clients[0]!;
  }

  get tokens(): number {
    return this.totals.promptTokens + this.totals.completionTokens;
  }

  /** Throws StopJob when no call may start now. */
  check(): void {
    if (this.ctx.signal.aborted) throw new JobCancelledError(String(this.ctx.signal.reason ?? 'cancelled'));
    if (this.ctx.costCapReached()) throw new StopJob('the run reached its cost cap');
    if (this.maxTokens !== undefined && this.tokens >= this.maxTokens)
      throw new StopJob(`the job used its ${this.maxTokens} tokens`);
  }

  /** Holds the call while the study is over its hourly spending limit (checked again every minute at most). */
  private async waitForSpendRate(): Promise<void> {
    let logged = false;
    for (let wait = this.ctx.spendWaitMs(); wait > 0; wait = this.ctx.spendWaitMs()) {
      if (!logged)
        this.ctx.log.info(
          { waitMs: wait },
          'the study is at its hourly spending limit; the next LLM call waits',
        );
      logged = true;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.ctx.signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(wait, 60_000));
        this.ctx.signal.addEventListener('abort', done, { once: true });
      });
      this.check();
    }
  }

  /** Adds calls made before a restart (from the job's saved conversation) to the totals, unreported: they were journaled then. */
  restore(t: Partial<JobTotals>): void {
    const o = this.totals;
    o.calls += t.calls ?? 0;
    o.promptTokens += t.promptTokens ?? 0;
    o.completionTokens += t.completionTokens ?? 0;
    o.cachedTokens += t.cachedTokens ?? 0;
    o.costUsd += t.costUsd ?? 0;
    o.estimated ||= t.estimated ?? false;
  }

  /**
   * One call with the conversation fitted to the model's context window; a context-length refusal
   * shortens the prompt further and calls again.
   */
  async call(
    turns: Turn[],
    step: number,
    options: { tools?: ToolSpec[]; textInstructions?: string } = {},
  ): Promise<Completion & { context: ContextNote }> {
    this.check();
    await this.waitForSpendRate();
    const callId = `${this.job.spec.id}-a${this.job.attempt}-s${step}`;
    let c: Completion;
    let refusals = 0;
    let sent: ReturnType<ContextWindow['fit']>;
    let sentChars: number;
    let w: ContextWindow;
    const tried = new Set<LlmClient>();
    for (;;) {
      const client = this.client;
      tried.add(client);
      w =
        this.windows.get(client) ??
        new ContextWindow(await client.contextLength(), client.settings.maxOutputTokens);
      this.windows.set(client, w);
      const overhead = options.tools
        ? client.protocol === 'native'
          ? JSON.stringify(options.tools).length
          : (options.textInstructions ?? '').length
        : 0;
      sent = w.fit(turns, overhead);
      sentChars = ContextWindow.chars(sent.turns) + overhead;
      try {
        c = await client.complete({
          turns: sent.turns,
          tools: options.tools,
          textInstructions: options.textInstructions,
          signal: this.ctx.signal,
          log: this.log,
          callId,
          tag: { job: this.job.spec.id, attempt: this.job.attempt, step },
        });
        break;
      } catch (err) {
        if (this.ctx.signal.aborted)
          throw new JobCancelledError(String(this.ctx.signal.reason ?? 'cancelled'));
        if (err instanceof LlmError && err.kind === 'context' && refusals < MAX_REFUSALS) {
          refusals++;
          w.overflowed(err.overflow ?? { limit: null, promptTokens: null }, sentChars, sent.tokens);
          this.ctx.log.info(
            { step, limit: w.limit, sentTokens: sent.tokens },
            'the prompt was longer than the model takes; shortening it',
          );
          continue;
        }
        if (
          err instanceof LlmError &&
          (err.kind === 'retries-exhausted' ||
            (err.kind === 'fatal' && (err.status === null || err.status === 404)))
        ) {
          // Down (or not serving this model): the next endpoint takes the call, and the calls after it for a while.
          downUntil.set(endpointKey(client), Date.now() + DOWN_MS);
          const next = this.client;
          if (!tried.has(next)) {
            this.ctx.log.warn(
              {
                step,
                from: client.settings.baseUrl,
                to: next.settings.baseUrl,
                err: this.redactor.text(err.message),
              },
              'LLM endpoint down; using the fallback',
            );
            await this.log.write({
              kind: 'fallback',
              call: callId,
              from: client.settings.baseUrl,
              fromModel: client.settings.model,
              to: next.settings.baseUrl,
              toModel: next.settings.model,
              reason: err.message,
            });
            continue;
          }
        }
        if (err instanceof LlmError) throw new StopJob(this.redactor.text(err.message));
        throw err;
      }
    }
    if (!c.usage.estimated) w.calibrate(sentChars, c.usage.promptTokens);
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
    return {
      ...c,
      context: {
        limit: w.limit,
        tokens: sent.tokens,
        shortened: sent.shortened,
        summarized: sent.summarized,
        dropped: sent.dropped,
        refusals,
      },
    };
  }
}
