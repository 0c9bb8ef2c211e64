import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback server that speaks OpenAI's /v1/chat/completions and replays a scripted conversation,
 * so tests drive the real openai SDK over real HTTP: tool calls, usage, error statuses with
 * Retry-After, slow replies, and a server that refuses `tools` the way vLLM does without
 * --enable-auto-tool-choice.
 */

export interface ChatRequest {
  model: string;
  messages: Array<{
    role: string;
    content?: string | null;
    tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
    tool_call_id?: string;
  }>;
  tools?: Array<{ type: string; function: { name: string } }>;
  [k: string]: unknown;
}

export interface Recorded {
  body: ChatRequest;
  headers: Record<string, string | string[] | undefined>;
  /** The reply's status. */
  status: number;
  /** Tokens this server reported (0 for errors). */
  usage: { prompt: number; completion: number };
  /** The request's prompt size as this server counts it (4 characters a token), refused or not. */
  promptTokens: number;
}

export type Reply =
  | {
      content?: string;
      toolCalls?: Array<{ name: string; arguments: unknown; id?: string }>;
      usage?: { prompt: number; completion: number } | null;
      finishReason?: string;
      delayMs?: number;
      /** The reply's `message` exactly as given (a server's own shape: split tool_calls, reasoning fields). */
      message?: Record<string, unknown>;
      /** Send the headers and this many bytes of the body, then reset the connection. */
      resetAfterBytes?: number;
    }
  | { status: number; message: string; headers?: Record<string, string>; delayMs?: number; body?: unknown };

/** A scripted step: a reply, or a function of the request (to check what the model was shown). */
export type Step = Reply | ((req: ChatRequest, n: number) => Reply);

export interface LoopbackOptions {
  /** Answer 400 to any request that carries `tools` (vLLM's message). */
  rejectTools?: boolean;
  /**
   * The model's context length: a request whose prompt (4 characters a token) plus max_tokens is
   * longer is refused with 400 the way `overflow` says, before it takes a scripted step.
   */
  contextTokens?: number;
  overflow?: 'vllm' | 'vllm-old' | 'openai' | 'llamacpp';
  /** The entries of GET /models (vLLM lists `max_model_len`). */
  models?: Array<Record<string, unknown>>;
}

/** A context-length refusal in the shape of each server's docs/source. */
function overflowReply(
  shape: LoopbackOptions['overflow'],
  limit: number,
  prompt: number,
  completion: number,
): { status: number; body: unknown } {
  const vllm = `This model's maximum context length is ${limit} tokens. However, you requested ${prompt + completion} tokens (${prompt} in the messages, ${completion} in the completion). Please reduce the length of the messages or completion.`;
  switch (shape) {
    case 'vllm-old':
      return {
        status: 400,
        body: { object: 'error', message: vllm, type: 'BadRequestError', param: null, code: 400 },
      };
    case 'openai':
      return {
        status: 400,
        body: {
          error: {
            message: `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${prompt} tokens. Please reduce the length of the messages.`,
            type: 'invalid_request_error',
            param: 'messages',
            code: 'context_length_exceeded',
          },
        },
      };
    case 'llamacpp':
      return {
        status: 400,
        body: {
          error: {
            code: 400,
            message: 'the request exceeds the available context size, try increasing it',
            type: 'exceed_context_size_error',
            n_prompt_tokens: prompt,
            n_ctx: limit,
          },
        },
      };
    default:
      return {
        status: 400,
        body: { error: { message: vllm, type: 'BadRequestError', param: null, code: 400 } },
      };
  }
}

export const call = (name: string, args: unknown, id?: string) => ({ name, arguments: args, id });

export class LoopbackLlm {
  readonly requests: Recorded[] = [];
  /** Most requests in flight at once. */
  maxInFlight = 0;
  private inFlight = 0;
  private next = 0;
  private readonly failures: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly steps: Step[],
    private readonly options: LoopbackOptions,
  ) {}

  static async start(steps: Step[], options: LoopbackOptions = {}): Promise<LoopbackLlm> {
    // eslint-disable-next-line prefer-const -- assigned after the server it is used in exists
    let self!: LoopbackLlm;
    const server = createServer((req, res) => void self.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new LoopbackLlm(server, `http://127.0.0.1:${port}/v1`, steps, options);
    return self;
  }

  /** Scripted steps not consumed yet. */
  get remaining(): number {
    return this.steps.length - this.next;
  }

  /** Assertion failures raised inside step functions, and requests past the script (answered 400, kept here). */
  get errors(): string[] {
    return this.failures;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method === 'GET' && req.url?.endsWith('/models') && this.options.models) {
      return send(res, 200, {
        object: 'list',
        data: this.options.models.map((m) => ({ object: 'model', created: 0, owned_by: 'loopback', ...m })),
      });
    }
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions'))
      return send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
    const prompt = Math.ceil(JSON.stringify(body.messages).length / 4);
    const rec: Recorded = {
      body,
      headers: req.headers,
      status: 0,
      usage: { prompt: 0, completion: 0 },
      promptTokens: prompt,
    };
    this.requests.push(rec);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.options.rejectTools && body.tools) {
        rec.status = 400;
        return send(res, 400, {
          error: {
            message: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
            type: 'BadRequestError',
          },
        });
      }
      const limit = this.options.contextTokens;
      const asked =
        typeof body.max_tokens === 'number'
          ? body.max_tokens
          : typeof body.max_completion_tokens === 'number'
            ? body.max_completion_tokens
            : 0;
      if (limit !== undefined && prompt + asked > limit) {
        const o = overflowReply(this.options.overflow, limit, prompt, asked);
        rec.status = o.status;
        return send(res, o.status, o.body);
      }
      const n = this.next++;
      const step = this.steps[n];
      if (!step) {
        rec.status = 400;
        this.failures.push(`request ${n + 1} came after the script ended`);
        return send(res, 400, { error: { message: `loopback script exhausted at request ${n + 1}` } });
      }
      let reply: Reply;
      try {
        reply = typeof step === 'function' ? step(body, n) : step;
      } catch (err) {
        // 400: not retried, so a failed check ends the job instead of eating the next steps.
        rec.status = 400;
        this.failures.push(`step ${n + 1}: ${(err as Error).message}`);
        return send(res, 400, {
          error: { message: `loopback check ${n + 1} failed: ${(err as Error).message}` },
        });
      }
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      // The client went away while it waited (a killed coordinator): nothing was delivered or counted.
      if (res.destroyed || !res.socket || res.socket.destroyed) return;
      if ('status' in reply) {
        rec.status = reply.status;
        return send(
          res,
          reply.status,
          reply.body ?? { error: { message: reply.message, type: 'error' } },
          reply.headers,
        );
      }
      const content = reply.content ?? null;
      const toolCalls = (reply.toolCalls ?? []).map((c, i) => ({
        id: c.id ?? `call_${this.requests.length}_${i + 1}`,
        type: 'function',
        function: {
          name: c.name,
          arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
        },
      }));
      const usage =
        reply.usage === undefined
          ? { prompt, completion: Math.ceil(JSON.stringify([content, toolCalls]).length / 4) }
          : reply.usage;
      rec.status = 200;
      rec.usage = usage ?? { prompt: 0, completion: 0 };
      const message = reply.message ?? {
        role: 'assistant',
        content,
        ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
      };
      const reset = reply.resetAfterBytes;
      (reset !== undefined ? (b: unknown) => sendAndReset(res, b, reset) : (b: unknown) => send(res, 200, b))(
        {
          id: `chatcmpl-${this.requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [
            {
              index: 0,
              message,
              finish_reason: reply.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop'),
            },
          ],
          ...(usage
            ? {
                usage: {
                  prompt_tokens: usage.prompt,
                  completion_tokens: usage.completion,
                  total_tokens: usage.prompt + usage.completion,
                },
              }
            : {}),
        },
      );
    } finally {
      this.inFlight--;
    }
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A 200 whose body stops after `bytes` with the connection reset (a proxy or server dying mid-reply). */
function sendAndReset(res: ServerResponse, body: unknown, bytes: number): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.write(text.slice(0, bytes), () => setTimeout(() => res.socket?.resetAndDestroy(), 10));
}

/** The text of the last message of a request (what the model was just told). */
export function lastMessage(req: ChatRequest): string {
  const m = req.messages[req.messages.length - 1];
  return typeof m?.content === 'string' ? m.content : '';
}

/** Every tool result (native `tool` messages, or text-protocol observations) in a request. */
export function toolResults(req: ChatRequest): string[] {
  return req.messages
    .filter((m) => m.role === 'tool' || (m.role === 'user' && /^Observation /.test(m.content ?? '')))
    .map((m) => m.content ?? '');
}
