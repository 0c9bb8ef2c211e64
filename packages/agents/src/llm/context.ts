import { clip } from './clip.js';
import type { ToolCall, Turn } from './types.js';

/**
 * Keeps a long trajectory inside the model's context window. The opening turns (system prompt
 * and task) and the latest steps stay whole; older steps are shortened first (head and tail of
 * each observation and argument), then replaced by one-line summaries appended to the task, and
 * the oldest summaries are dropped last. Cuts only move forward and, once needed, go down to
 * `TARGET` of the window, so the prompt's prefix stays the same for many steps (server-side
 * prefix caches keep working) instead of changing on every call.
 */

/** Steps at the end that are never shortened while anything older can be. */
const KEEP_WHOLE = 2;
/** After a cut the prompt aims at this share of the window, so the next cut is many steps away. */
const TARGET = 0.7;
/** Characters kept of each observation / argument of a shortened step. */
const SHORT_CHARS = 600;
/** Characters of one step's summary line. */
const SUMMARY_CHARS = 240;
/** The summaries take at most this share of the window; the oldest are dropped beyond it. */
const SUMMARY_SHARE = 0.15;
/** Per-message framing (role, separators) the chat template adds, in characters. */
const MESSAGE_CHARS = 16;

export interface Fitted {
  turns: Turn[];
  /** Estimated prompt tokens of `turns` (with the fixed overhead). */
  tokens: number;
  /** Steps shown shortened / only as a summary line / not at all, in this request. */
  shortened: number;
  summarized: number;
  dropped: number;
}

/** What a context-length error from the server says (any of it may be missing). */
export interface ContextOverflow {
  /** The model's context length. */
  limit: number | null;
  /** Tokens the request's prompt had. */
  promptTokens: number | null;
}

export class ContextWindow {
  /** Characters per token, learnt from the server's usage (starts on the safe side). */
  private cpt = 3;
  private shortenedSteps = 0;
  private summarizedSteps = 0;
  /** Extra squeeze after the server refused a prompt we thought fitted. */
  private squeeze = 1;

  constructor(
    /** The model's context length in tokens; null: unknown (everything is sent until the server says). */
    public limit: number | null,
    /** Tokens kept free for the reply. */
    private readonly replyTokens: number | undefined,
  ) {}

  get charsPerToken(): number {
    return this.cpt;
  }

  /** Tokens the prompt may take. */
  budget(): number | null {
    if (this.limit === null) return null;
    const reply = this.replyTokens ?? Math.min(4096, Math.floor(this.limit / 4));
    return Math.max(64, Math.floor((this.limit - reply) * 0.95 * this.squeeze));
  }

  /** Learns the tokenizer's ratio from a prompt the server counted. */
  calibrate(chars: number, promptTokens: number): void {
    if (promptTokens > 0 && chars > 0) this.cpt = Math.min(8, Math.max(1, chars / promptTokens));
  }

  /** After a context-length error: takes the limit the server named, else assumes a smaller one. */
  overflowed(o: ContextOverflow, sentChars: number, sentTokens: number): void {
    if (o.promptTokens) this.calibrate(sentChars, o.promptTokens);
    if (o.limit && (this.limit === null || o.limit < this.limit)) this.limit = o.limit;
    else if (o.limit === null && !o.promptTokens) {
      if (this.limit === null) this.limit = Math.max(256, Math.floor(sentTokens * 0.75));
      else this.squeeze *= 0.75;
    } else this.squeeze *= 0.85;
  }

  /** Characters of a conversation as counted for the budget. */
  static chars(turns: Turn[]): number {
    let n = 0;
    for (const t of turns) {
      n += MESSAGE_CHARS + t.content.length;
      if (t.role === 'assistant')
        for (const c of t.toolCalls) n += MESSAGE_CHARS + c.name.length + c.arguments.length;
      if (t.role === 'tool') n += t.callId.length;
    }
    return n;
  }

  tokensOf(chars: number): number {
    return Math.ceil(chars / this.cpt);
  }

  /** The turns to send: `turns` itself when it fits (or no limit is known), else a shortened copy. */
  fit(turns: Turn[], overheadChars = 0): Fitted {
    const budget = this.budget();
    const whole = ContextWindow.chars(turns) + overheadChars;
    const { head, steps } = split(turns);
    if (
      budget === null ||
      (this.shortenedSteps === 0 && this.summarizedSteps === 0 && this.tokensOf(whole) <= budget)
    ) {
      return { turns, tokens: this.tokensOf(whole), shortened: 0, summarized: 0, dropped: 0 };
    }
    const cuttable = Math.max(0, steps.length - KEEP_WHOLE);
    let view = this.render(head, steps, budget);
    if (this.tokensOf(view.chars + overheadChars) > budget) {
      // Move the cuts forward until the prompt is down to TARGET of the budget (or nothing older is left).
      const target = Math.floor(budget * TARGET);
      while (this.tokensOf(view.chars + overheadChars) > target && this.shortenedSteps < cuttable) {
        this.shortenedSteps++;
        view = this.render(head, steps, budget);
      }
      while (this.tokensOf(view.chars + overheadChars) > target && this.summarizedSteps < cuttable) {
        this.summarizedSteps++;
        view = this.render(head, steps, budget);
      }
    }
    let out = view.turns;
    let chars = view.chars + overheadChars;
    if (this.tokensOf(chars) > budget) {
      // Still too long (a huge task or huge latest steps): cut the steps, then the task, to what is left.
      out = squeezeTo(out, head.length, Math.max(0, Math.floor(budget * this.cpt) - overheadChars));
      chars = ContextWindow.chars(out) + overheadChars;
    }
    return {
      turns: out,
      tokens: this.tokensOf(chars),
      shortened: view.shortened,
      summarized: view.summarized,
      dropped: view.dropped,
    };
  }

  private render(
    head: Turn[],
    steps: Turn[][],
    budget: number,
  ): { turns: Turn[]; chars: number; shortened: number; summarized: number; dropped: number } {
    const summarized = Math.min(this.summarizedSteps, steps.length);
    const shortenedTo = Math.min(Math.max(this.shortenedSteps, summarized), steps.length);
    const lines = steps.slice(0, summarized).map((g, i) => summaryLine(g, i + 1));
    // The summaries keep to their share of the window: the oldest go first.
    const maxChars = Math.floor(budget * SUMMARY_SHARE * this.cpt);
    let dropped = 0;
    let total = lines.reduce((n, l) => n + l.length + 1, 0);
    while (total > maxChars && dropped < lines.length) total -= lines[dropped++]!.length + 1;
    const kept = lines.slice(dropped);
    const opening = head.map((t) => ({ ...t })) as Turn[];
    if (summarized > 0) {
      const task = [...opening].reverse().find((t) => t.role === 'user') ?? opening[opening.length - 1];
      const note = [
        '',
        `## Earlier steps (1–${summarized}, shortened to fit the context window)`,
        ...(dropped ? [`(${dropped} oldest step${dropped === 1 ? '' : 's'} left out)`] : []),
        ...kept,
      ].join('\n');
      if (task) task.content = `${task.content}\n${note}`;
    }
    const out: Turn[] = [...opening];
    for (let i = summarized; i < steps.length; i++)
      out.push(...(i < shortenedTo ? steps[i]!.map(shorten) : steps[i]!));
    return {
      turns: out,
      chars: ContextWindow.chars(out),
      shortened: shortenedTo - summarized,
      summarized: summarized - dropped,
      dropped,
    };
  }
}

/** The opening turns (before the first reply) and the steps: each reply with the turns after it. */
function split(turns: Turn[]): { head: Turn[]; steps: Turn[][] } {
  const first = turns.findIndex((t) => t.role === 'assistant');
  if (first < 0) return { head: turns, steps: [] };
  const steps: Turn[][] = [];
  for (const t of turns.slice(first)) {
    if (t.role === 'assistant') steps.push([t]);
    else steps[steps.length - 1]!.push(t);
  }
  return { head: turns.slice(0, first), steps };
}

function shorten(t: Turn): Turn {
  if (t.role === 'assistant')
    return {
      ...t,
      content: clip(t.content, SHORT_CHARS).text,
      toolCalls: t.toolCalls.map((c) => ({ ...c, arguments: clipArgs(c.arguments, SHORT_CHARS) })),
    };
  return { ...t, content: clip(t.content, SHORT_CHARS).text };
}

/** Long string values inside a JSON arguments object, head and tail (it stays JSON). */
function clipArgs(args: string, max: number): string {
  if (args.length <= max) return args;
  try {
    const v = JSON.parse(args) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? clip(x, max).text : x;
      return JSON.stringify(out);
    }
  } catch {
    /* not JSON: clipped as text */
  }
  return clip(args, max).text;
}

const oneLine = (s: string, max: number) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

/** One line for a step: what was called, and how each call ended (its result's last line). */
function summaryLine(step: Turn[], n: number): string {
  const reply = step[0] as Extract<Turn, { role: 'assistant' }>;
  const results = new Map(step.flatMap((t) => (t.role === 'tool' ? [[t.callId, t.content] as const] : [])));
  const calls = reply.toolCalls.map((c: ToolCall) => {
    const res = results.get(c.id) ?? '';
    const lines = res
      .trim()
      .split('\n')
      .filter((l) => l.trim() && l !== '---' && !/^\[\d+ steps?, /.test(l));
    const end = lines.find((l) => /^(exit code|stopped|killed by)/.test(l)) ?? lines[lines.length - 1] ?? '';
    return `${c.name || '?'}(${oneLine(c.arguments, 80)}) → ${oneLine(lines[0] ?? '', 50)}${end && end !== lines[0] ? ` … ${oneLine(end, 50)}` : ''}`;
  });
  const text = reply.content.trim() ? `${oneLine(reply.content, 60)} ` : '';
  return oneLine(`- step ${n}: ${text}${calls.join('; ') || '(no tool call)'}`, SUMMARY_CHARS);
}

/** Cuts the steps' contents (oldest first), then the opening turns (task before system), until `maxChars` holds. */
function squeezeTo(turns: Turn[], headLength: number, maxChars: number): Turn[] {
  const out = turns.map((t) => ({ ...t })) as Turn[];
  let over = ContextWindow.chars(out) - maxChars;
  const order = [...out.keys()].slice(headLength).concat([...out.keys()].slice(0, headLength).reverse());
  for (const i of order) {
    if (over <= 0) break;
    const t = out[i]!;
    const room = Math.max(200, t.content.length - over - 80);
    if (t.content.length <= room) continue;
    const before = t.content.length;
    t.content = clip(t.content, room).text;
    over -= before - t.content.length;
  }
  return out;
}

/**
 * Reads a context-length refusal (docs/llm-endpoints.md): vLLM ("This model's maximum context length is N tokens. However,
 * you requested M tokens (P in the messages, …)" or "… and your request has P input tokens"),
 * OpenAI (code context_length_exceeded, "… your messages resulted in P tokens"), llama.cpp's server
 * (type exceed_context_size_error with n_prompt_tokens and n_ctx). Null when it is no such error.
 */
export function contextOverflow(
  status: number | null,
  message: string,
  error?: unknown,
): ContextOverflow | null {
  if (status !== 400 && status !== 413 && status !== 422) return null;
  const e = (error && typeof error === 'object' ? error : {}) as {
    code?: unknown;
    type?: unknown;
    n_ctx?: unknown;
    n_prompt_tokens?: unknown;
  };
  const known = e.code === 'context_length_exceeded' || e.type === 'exceed_context_size_error';
  if (
    !known &&
    !/context (length|size|window)|maximum context|too many tokens|prompt is too long|exceeds? the (available )?context/i.test(
      message,
    )
  )
    return null;
  const num = (re: RegExp) => {
    const m = re.exec(message);
    return m ? Number(m[1]) : null;
  };
  const limit =
    typeof e.n_ctx === 'number'
      ? e.n_ctx
      : (num(/maximum context length is (\d+)/i) ?? num(/context (?:size|window|length) (?:is |of )?(\d+)/i));
  const promptTokens =
    typeof e.n_prompt_tokens === 'number'
      ? e.n_prompt_tokens
      : (num(/\((\d+) in the messages/i) ??
        num(/resulted in (\d+) tokens/i) ??
        num(/has (\d+) input tokens/i) ??
        num(/prompt (?:has|contains|is) (\d+) tokens/i));
  return { limit, promptTokens };
}
