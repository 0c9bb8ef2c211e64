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
  messages: Array<{ role: string; content?: string | null; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string }>;
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
}

export type Reply =
  | { content?: string; toolCalls?: Array<{ name: string; arguments: unknown; id?: string }>; usage?: { prompt: number; completion: number } | null; finishReason?: string; delayMs?: number }
  | { status: number; message: string; headers?: Record<string, string>; delayMs?: number };

/** A scripted step: a reply, or a function of the request (to check what the model was shown). */
export type Step = Reply | ((req: ChatRequest, n: number) => Reply);

export interface LoopbackOptions {
  /** Answer 400 to any request that carries `tools` (vLLM's message). */
  rejectTools?: boolean;
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
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) return send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
    const rec: Recorded = { body, headers: req.headers, status: 0, usage: { prompt: 0, completion: 0 } };
    this.requests.push(rec);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.options.rejectTools && body.tools) {
        rec.status = 400;
        return send(res, 400, { error: { message: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set', type: 'BadRequestError' } });
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
        return send(res, 400, { error: { message: `loopback check ${n + 1} failed: ${(err as Error).message}` } });
      }
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed) return;
      if ('status' in reply) {
        rec.status = reply.status;
        return send(res, reply.status, { error: { message: reply.message, type: 'error' } }, reply.headers);
      }
      const prompt = Math.ceil(JSON.stringify(body.messages).length / 4);
      const content = reply.content ?? null;
      const toolCalls = (reply.toolCalls ?? []).map((c, i) => ({
        id: c.id ?? `call_${this.requests.length}_${i + 1}`,
        type: 'function',
        function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
      }));
      const usage = reply.usage === undefined ? { prompt, completion: Math.ceil(JSON.stringify([content, toolCalls]).length / 4) } : reply.usage;
      rec.status = 200;
      rec.usage = usage ?? { prompt: 0, completion: 0 };
      send(res, 200, {
        id: `chatcmpl-${this.requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
            finish_reason: reply.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop'),
          },
        ],
        ...(usage ? { usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion } } : {}),
      });
    } finally {
      this.inFlight--;
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The text of the last message of a request (what the model was just told). */
export function lastMessage(req: ChatRequest): string {
  const m = req.messages[req.messages.length - 1];
  return typeof m?.content === 'string' ? m.content : '';
}

/** Every tool result (native `tool` messages, or text-protocol observations) in a request. */
export function toolResults(req: ChatRequest): string[] {
  return req.messages.filter((m) => m.role === 'tool' || (m.role === 'user' && /^Observation /.test(m.content ?? ''))).map((m) => m.content ?? '');
}
