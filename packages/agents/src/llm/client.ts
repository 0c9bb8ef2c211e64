import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { endpointLimiter, type Semaphore } from './limiter.js';
import { noLog, type LlmLog } from './log.js';
import { Redactor } from './redact.js';
import { backoffMs, classify } from './retry.js';
import { costOf, isOpenAi, type LlmSettings } from './settings.js';
import { parseToolBlocks } from './text-protocol.js';
import type { Completion, ToolCall, ToolProtocol, ToolSpec, Turn, Usage } from './types.js';
import { toWire } from './wire.js';

/** A call that did not get a reply: a refused request, retries used up, or an abort. */
export class LlmError extends Error {
  override name = 'LlmError';
  constructor(
    message: string,
    readonly kind: 'fatal' | 'retries-exhausted' | 'aborted',
    readonly status: number | null,
    readonly attempts: number,
  ) {
    super(message);
  }
}

export interface CallOptions {
  turns: Turn[];
  tools?: ToolSpec[];
  /** The text-protocol instructions (with the tool list), appended to the system message in text mode. */
  textInstructions?: string;
  signal?: AbortSignal;
  log?: LlmLog;
  /** Names this call in the log and in tool-call ids (e.g. `j0003-a1-s7`). */
  callId: string;
  /** Extra fields of every log entry of this call (job, step). */
  tag?: Record<string, unknown>;
}

export interface ClientOptions {
  /** Default: the process-wide semaphore of the endpoint. */
  limiter?: Semaphore;
  random?: () => number;
}

/** Endpoints (base URL + model) that rejected tools in this process: they get the text protocol. */
const textOnly = new Set<string>();

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new LlmError('aborted', 'aborted', null, 0));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new LlmError('aborted while waiting to retry', 'aborted', null, 0));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Chat completions over the openai SDK against any OpenAI-compatible endpoint. The SDK's own
 * retries are off so that every attempt is logged and paced here: 408/409/429/5xx, timeouts and
 * connection errors are retried with backoff (Retry-After honoured), each request holds a slot of
 * the endpoint's shared semaphore only while it is in flight, and with `toolProtocol: auto` a
 * server that rejects `tools` moves the endpoint to the text protocol for the rest of the process.
 */
export class LlmClient {
  readonly redactor: Redactor;
  private readonly sdk: OpenAI;
  private readonly limiter: Semaphore;
  private readonly random: () => number;
  private readonly endpointKey: string;

  constructor(
    readonly settings: LlmSettings,
    options: ClientOptions = {},
  ) {
    this.redactor = new Redactor([settings.apiKey]);
    this.sdk = new OpenAI({ apiKey: settings.apiKey, baseURL: settings.baseUrl, maxRetries: 0, timeout: settings.timeoutMs, logLevel: 'off' });
    this.limiter = options.limiter ?? endpointLimiter(settings.baseUrl, settings.concurrency);
    this.random = options.random ?? Math.random;
    this.endpointKey = `${settings.baseUrl.replace(/\/+$/, '')}|${settings.model}`;
  }

  /** The protocol the next call with tools will use. */
  get protocol(): ToolProtocol {
    if (this.settings.toolProtocol === 'text') return 'text';
    if (this.settings.toolProtocol === 'native') return 'native';
    return textOnly.has(this.endpointKey) ? 'text' : 'native';
  }

  async complete(o: CallOptions): Promise<Completion> {
    const log = o.log ?? noLog;
    const tag = { call: o.callId, ...o.tag };
    const t0 = Date.now();
    let attempts = 0;
    let retries = 0;
    for (;;) {
      const protocol = this.protocol;
      const body = this.body(o, protocol);
      const release = await this.limiter.acquire(o.signal).catch((err: unknown) => {
        throw new LlmError(`aborted while waiting for a request slot: ${String(err)}`, 'aborted', null, attempts);
      });
      attempts++;
      const started = Date.now();
      let res: ChatCompletion;
      try {
        await log.write({ kind: 'request', ...tag, attempt: attempts, protocol, body });
        res = await withChildSignal(o.signal, (signal) => this.sdk.chat.completions.create(body, { signal, timeout: this.settings.timeoutMs, maxRetries: 0 }));
      } catch (err) {
        release();
        const f = classify(err, body.tools !== undefined);
        const status = 'status' in f ? f.status : null;
        const message = this.redactor.text(f.message);
        const entry: Record<string, unknown> = { kind: 'error', ...tag, attempt: attempts, status, message, durationMs: Date.now() - started };
        if (f.kind === 'aborted' || o.signal?.aborted) {
          await log.write({ ...entry, outcome: 'aborted' });
          throw new LlmError(`LLM call aborted: ${message}`, 'aborted', status, attempts);
        }
        if (f.kind === 'tools-rejected' && this.settings.toolProtocol === 'auto') {
          textOnly.add(this.endpointKey);
          await log.write({ ...entry, outcome: 'switching to the text protocol' });
          continue;
        }
        if (f.kind === 'retry' && retries < this.settings.maxRetries) {
          const wait = f.retryAfterMs ?? backoffMs(retries, this.settings.retryBaseMs, this.random);
          retries++;
          await log.write({ ...entry, outcome: 'retry', retryInMs: wait, retryAfter: f.retryAfterMs !== null });
          await sleep(wait, o.signal);
          continue;
        }
        const kind = f.kind === 'retry' ? 'retries-exhausted' : 'fatal';
        await log.write({ ...entry, outcome: kind });
        const what = status !== null ? `HTTP ${status}` : 'no response';
        throw new LlmError(
          kind === 'retries-exhausted'
            ? `LLM call failed after ${attempts} attempts (${what}: ${message})`
            : `LLM call refused (${what}: ${message})`,
          kind,
          status,
          attempts,
        );
      }
      release();
      const durationMs = Date.now() - started;
      await log.write({ kind: 'response', ...tag, attempt: attempts, durationMs, body: res });
      const choice = res.choices?.[0];
      if (!choice) {
        // A reply without a choice is a server fault; treat it like a 5xx.
        if (retries < this.settings.maxRetries) {
          const wait = backoffMs(retries++, this.settings.retryBaseMs, this.random);
          await log.write({ kind: 'error', ...tag, attempt: attempts, status: 200, message: 'reply without choices', outcome: 'retry', retryInMs: wait });
          await sleep(wait, o.signal);
          continue;
        }
        throw new LlmError(`LLM call failed after ${attempts} attempts (replies without choices)`, 'retries-exhausted', 200, attempts);
      }
      const content = typeof choice.message?.content === 'string' ? choice.message.content : '';
      const toolCalls = this.toolCalls(choice.message?.tool_calls, content, o.callId, o.tools !== undefined);
      const usage = usageOf(res, body, content);
      return {
        callId: o.callId,
        content,
        toolCalls,
        finishReason: choice.finish_reason ?? '',
        usage,
        costUsd: costOf(usage, this.settings.prices),
        protocol,
        model: res.model || this.settings.model,
        durationMs: Date.now() - t0,
        attempts,
      };
    }
  }

  private body(o: CallOptions, protocol: ToolProtocol): ChatCompletionCreateParamsNonStreaming {
    const s = this.settings;
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: s.model,
      messages: toWire(o.turns, protocol, o.tools ? o.textInstructions : undefined),
    };
    if (s.temperature !== undefined) body.temperature = s.temperature;
    if (s.topP !== undefined) body.top_p = s.topP;
    if (s.maxOutputTokens !== undefined) {
      // OpenAI's reasoning models refuse max_tokens; most other servers know only max_tokens.
      if (isOpenAi(s.baseUrl)) body.max_completion_tokens = s.maxOutputTokens;
      else body.max_tokens = s.maxOutputTokens;
    }
    if (o.tools && protocol === 'native') {
      body.tools = o.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
    }
    return body;
  }

  private toolCalls(raw: unknown, content: string, callId: string, wantTools: boolean): ToolCall[] {
    if (!wantTools) return [];
    const native: ToolCall[] = [];
    if (Array.isArray(raw)) {
      raw.forEach((c: { id?: string; function?: { name?: string; arguments?: unknown } }, i: number) => {
        const args = c.function?.arguments;
        native.push({
          id: c.id || `${callId}-t${i + 1}`,
          name: c.function?.name ?? '',
          arguments: typeof args === 'string' ? args : args === undefined ? '{}' : JSON.stringify(args),
        });
      });
    }
    if (native.length > 0) return native;
    // Text protocol; or a model on a tool-calling server that wrote its calls as text anyway.
    return parseToolBlocks(content, `${callId}-t`);
  }
}

/**
 * Runs a request with its own signal that follows the job's: the SDK adds an abort listener to the
 * signal it is given and never removes it, which on a job's long-lived signal piles up per call.
 */
async function withChildSignal<T>(parent: AbortSignal | undefined, fn: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  if (!parent) return fn(undefined);
  const child = new AbortController();
  const onAbort = () => child.abort(parent.reason);
  if (parent.aborted) child.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  try {
    return await fn(child.signal);
  } finally {
    parent.removeEventListener('abort', onAbort);
  }
}

function usageOf(res: ChatCompletion, body: ChatCompletionCreateParamsNonStreaming, content: string): Usage {
  const u = res.usage;
  if (u && typeof u.prompt_tokens === 'number') {
    return {
      promptTokens: u.prompt_tokens,
      completionTokens: u.completion_tokens ?? 0,
      cachedTokens: u.prompt_tokens_details?.cached_tokens ?? 0,
      estimated: false,
    };
  }
  // No usage from the server: about 4 characters a token, so limits and costs still move.
  return {
    promptTokens: Math.ceil(JSON.stringify(body.messages).length / 4),
    completionTokens: Math.ceil(content.length / 4),
    cachedTokens: 0,
    estimated: true,
  };
}
