import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';
import { endpointLimiter, type Semaphore } from './limiter.js';
import { noLog, type LlmLog } from './log.js';
import { Redactor } from './redact.js';
import type { ContextOverflow } from './context.js';
import { endpointFetch } from './endpoint-fetch.js';
import { backoffMs, classify } from './retry.js';
import { costOf, isOpenAi, type LlmSettings } from './settings.js';
import { parseToolBlocks, parseToolText } from './text-protocol.js';
import type { Completion, ToolCall, ToolProtocol, ToolSpec, Turn, Usage } from './types.js';
import { toWire } from './wire.js';

/** A call that did not get a reply: a refused request, retries used up, or an abort. */
export class LlmError extends Error {
  override name = 'LlmError';
  constructor(
    message: string,
    readonly kind: 'fatal' | 'retries-exhausted' | 'aborted' | 'context',
    readonly status: number | null,
    readonly attempts: number,
    /** What a context-length refusal said (kind `context`): the caller shortens the prompt and calls again. */
    readonly overflow?: ContextOverflow,
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
/** Endpoints that refused the reply-length field they were sent: they get the other one. */
const otherLengthField = new Set<string>();
/** The context length each endpoint's model list gives (looked up once per process). */
const listedContext = new Map<string, Promise<number | null>>();

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
    this.sdk = new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseUrl,
      maxRetries: 0,
      timeout: settings.timeoutMs,
      logLevel: 'off',
      fetch: endpointFetch,
    });
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

  /**
   * The model's context length in tokens: `llm.contextTokens` when set, else what the endpoint's
   * model list says (vLLM: `max_model_len`; others: `context_length`, `context_window`,
   * llama.cpp: `meta.n_ctx_train`), else null.
   */
  contextLength(): Promise<number | null> {
    if (this.settings.contextTokens !== undefined) return Promise.resolve(this.settings.contextTokens);
    let p = listedContext.get(this.endpointKey);
    if (!p) {
      p = this.sdk.models
        // A server without a model list must not hold the job up: a short wait, no retry.
        .list({ timeout: Math.min(10_000, this.settings.timeoutMs), maxRetries: 0 })
        .then((page) => {
          const m = page.data.find((x) => x.id === this.settings.model) as
            Record<string, unknown> | undefined;
          const meta = (m?.meta ?? {}) as Record<string, unknown>;
          for (const v of [
            m?.max_model_len,
            m?.context_length,
            m?.context_window,
            m?.max_context_length,
            meta.n_ctx_train,
          ]) {
            if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
          }
          return null;
        })
        .catch(() => null);
      listedContext.set(this.endpointKey, p);
    }
    return p;
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
        throw new LlmError(
          `aborted while waiting for a request slot: ${String(err)}`,
          'aborted',
          null,
          attempts,
        );
      });
      attempts++;
      const started = Date.now();
      let res: ChatCompletion;
      try {
        await log.write({ kind: 'request', ...tag, attempt: attempts, protocol, body });
        res = await withChildSignal(o.signal, (signal) =>
          this.sdk.chat.completions.create(body, { signal, timeout: this.settings.timeoutMs, maxRetries: 0 }),
        );
      } catch (err) {
        release();
        const f = classify(err, body.tools !== undefined);
        const status = 'status' in f ? f.status : null;
        const message = this.redactor.text(f.message);
        const entry: Record<string, unknown> = {
          kind: 'error',
          ...tag,
          attempt: attempts,
          status,
          message,
          durationMs: Date.now() - started,
        };
        if (f.kind === 'aborted' || o.signal?.aborted) {
          await log.write({ ...entry, outcome: 'aborted' });
          throw new LlmError(`LLM call aborted: ${message}`, 'aborted', status, attempts);
        }
        if (f.kind === 'context') {
          await log.write({ ...entry, outcome: 'context length exceeded', overflow: f.overflow });
          throw new LlmError(
            `the prompt is longer than the model's context (HTTP ${f.status}: ${message})`,
            'context',
            f.status,
            attempts,
            f.overflow,
          );
        }
        if (f.kind === 'max-tokens-field' && !otherLengthField.has(this.endpointKey)) {
          otherLengthField.add(this.endpointKey);
          await log.write({ ...entry, outcome: 'switching the reply-length field' });
          continue;
        }
        if (f.kind === 'tools-rejected' && this.settings.toolProtocol === 'auto') {
          textOnly.add(this.endpointKey);
          await log.write({ ...entry, outcome: 'switching to the text protocol' });
          continue;
        }
        if (f.kind === 'retry' && retries < this.settings.maxRetries) {
          const wait = f.retryAfterMs ?? backoffMs(retries, this.settings.retryBaseMs, this.random);
          retries++;
          await log.write({
            ...entry,
            outcome: 'retry',
            retryInMs: wait,
            retryAfter: f.retryAfterMs !== null,
          });
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
          await log.write({
            kind: 'error',
            ...tag,
            attempt: attempts,
            status: 200,
            message: 'reply without choices',
            outcome: 'retry',
            retryInMs: wait,
          });
          await sleep(wait, o.signal);
          continue;
        }
        throw new LlmError(
          `LLM call failed after ${attempts} attempts (replies without choices)`,
          'retries-exhausted',
          200,
          attempts,
        );
      }
      const message = (choice.message ?? {}) as {
        content?: unknown;
        tool_calls?: unknown;
        reasoning_content?: unknown;
        reasoning?: unknown;
      };
      const content = typeof message.content === 'string' ? message.content : '';
      const finishReason = choice.finish_reason ?? '';
      const toolCalls = this.toolCalls(
        message.tool_calls,
        content,
        o.callId,
        o.tools !== undefined,
        finishReason,
      );
      // Reasoning models (vLLM --reasoning-parser: reasoning_content; Ollama, OpenRouter: reasoning).
      const reasoning =
        typeof message.reasoning_content === 'string'
          ? message.reasoning_content
          : typeof message.reasoning === 'string'
            ? message.reasoning
            : '';
      const usage = usageOf(
        res,
        body,
        content + reasoning + (message.tool_calls ? JSON.stringify(message.tool_calls) : ''),
      );
      return {
        callId: o.callId,
        content,
        ...(reasoning ? { reasoning } : {}),
        toolCalls,
        finishReason,
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
      messages: toWire(o.turns, protocol, o.tools ? o.textInstructions : undefined, s.sendReasoning),
    };
    if (s.temperature !== undefined) body.temperature = s.temperature;
    if (s.topP !== undefined) body.top_p = s.topP;
    if (s.maxOutputTokens !== undefined) {
      // OpenAI's reasoning models refuse max_tokens; most other servers know only max_tokens. A
      // server that refuses the field it got is sent the other one from then on.
      let field =
        s.maxTokensField === 'auto'
          ? isOpenAi(s.baseUrl)
            ? 'max_completion_tokens'
            : 'max_tokens'
          : s.maxTokensField;
      if (otherLengthField.has(this.endpointKey))
        field = field === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens';
      body[field] = s.maxOutputTokens;
    }
    if (o.tools && protocol === 'native') {
      body.tools = o.tools.map((t) => ({
        type: 'function',
        function: { name: t.name, description: t.description, parameters: t.parameters },
      }));
    }
    return body;
  }

  private toolCalls(
    raw: unknown,
    content: string,
    callId: string,
    wantTools: boolean,
    finishReason: string,
  ): ToolCall[] {
    if (!wantTools) return [];
    const native: ToolCall[] = mergeSplitCalls(raw).map((c, i) => ({
      id: c.id || `${callId}-t${i + 1}`,
      name: c.name,
      arguments: c.arguments,
    }));
    // Text protocol; or a model on a server without a tool parser that wrote its calls as text.
    const calls =
      native.length > 0
        ? native
        : parseToolBlocks(content, `${callId}-t`).concat(parseToolText(content, `${callId}-x`));
    if (finishReason !== 'length') return calls;
    // Cut at the reply's token limit: a call whose arguments end mid-JSON is answered, not run.
    return calls.map((c) =>
      c.error || isJson(c.arguments)
        ? c
        : {
            ...c,
            error:
              'the reply was cut off at its token limit in the middle of this call (its arguments are incomplete); write shorter calls, e.g. put long code in a file in smaller pieces',
          },
    );
  }
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * Native tool calls, with one call spread over several entries put back together: an entry with
 * the id (or, without ids, the index) of the one before it, or with no name, continues its
 * arguments (some servers' tool parsers emit a call's name and its arguments separately).
 */
function mergeSplitCalls(raw: unknown): Array<{ id: string; name: string; arguments: string }> {
  if (!Array.isArray(raw)) return [];
  const out: Array<{ id: string; name: string; arguments: string; index?: number }> = [];
  for (const c of raw as Array<{
    id?: string;
    index?: number;
    function?: { name?: string; arguments?: unknown };
  }>) {
    const a = c.function?.arguments;
    const args = typeof a === 'string' ? a : a === undefined || a === null ? '' : JSON.stringify(a);
    const name = c.function?.name ?? '';
    const prev = out[out.length - 1];
    const continues =
      prev &&
      ((c.id && c.id === prev.id) ||
        (!c.id && c.index !== undefined && c.index === prev.index) ||
        (!name && !c.id));
    if (continues) {
      prev.name ||= name;
      prev.arguments += args;
    } else out.push({ id: c.id ?? '', name, arguments: args, index: c.index });
  }
  return out.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments === '' ? '{}' : c.arguments }));
}

/**
 * Runs a request with its own signal that follows the job's: the SDK adds an abort listener to the
 * signal it is given and never removes it, which on a job's long-lived signal piles up per call.
 */
async function withChildSignal<T>(
  parent: AbortSignal | undefined,
  fn: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
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
