import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { contextOverflow, type ContextOverflow } from './context.js';

/** How a failed request is handled. */
export type Failure =
  | { kind: 'retry'; status: number | null; message: string; retryAfterMs: number | null }
  | { kind: 'tools-rejected'; status: number; message: string }
  | { kind: 'context'; status: number; message: string; overflow: ContextOverflow }
  | { kind: 'max-tokens-field'; status: number; message: string }
  | { kind: 'fatal'; status: number | null; message: string }
  | { kind: 'aborted'; message: string };

const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Retry-After as the server sent it: `retry-after-ms`, else `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return clamp(Number(ms));
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return clamp(Number(ra) * 1000);
  const at = Date.parse(ra);
  return Number.isNaN(at) ? null : clamp(at - now);
}

function clamp(ms: number): number {
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));
}

/**
 * Sorts an error from the SDK: 408, 409, 429, 5xx, timeouts and connection errors are retried;
 * a 4xx/5xx that names tools, on a request that sent tools, means the server cannot call tools
 * (vLLM without --enable-auto-tool-choice, Ollama models without tool support, llama.cpp without
 * --jinja) and switches the job to the text protocol; a context-length refusal goes back to the
 * caller to shorten the prompt; anything else ends the call.
 */
export function classify(err: unknown, sentTools: boolean): Failure {
  if (err instanceof APIUserAbortError) return { kind: 'aborted', message: 'request aborted' };
  if (err instanceof APIConnectionTimeoutError)
    return { kind: 'retry', status: null, message: 'request timed out', retryAfterMs: null };
  if (err instanceof APIConnectionError)
    return { kind: 'retry', status: null, message: `connection error: ${causeOf(err)}`, retryAfterMs: null };
  if (err instanceof APIError && typeof err.status === 'number') {
    const status = err.status;
    const message = err.message;
    const overflow = contextOverflow(status, message, err.error);
    if (overflow) return { kind: 'context', status, message, overflow };
    // OpenAI's reasoning models refuse max_tokens; some other servers refuse max_completion_tokens.
    if (
      status === 400 &&
      /max_(completion_)?tokens/.test(message) &&
      /unsupported|not supported|unrecognized|extra (fields|inputs)|not permitted/i.test(message)
    ) {
      return { kind: 'max-tokens-field', status, message };
    }
    if (
      sentTools &&
      status >= 400 &&
      status !== 401 &&
      status !== 403 &&
      status !== 408 &&
      status !== 429 &&
      /tool/i.test(message)
    ) {
      return { kind: 'tools-rejected', status, message };
    }
    if (status === 408 || status === 409 || status === 429 || status >= 500) {
      return {
        kind: 'retry',
        status,
        message,
        retryAfterMs: retryAfterMs(err.headers as Headers | undefined),
      };
    }
    return { kind: 'fatal', status, message };
  }
  if (err instanceof Error && err.name === 'AbortError')
    return { kind: 'aborted', message: 'request aborted' };
  return { kind: 'fatal', status: null, message: err instanceof Error ? err.message : String(err) };
}

function causeOf(err: Error): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : err.message;
}

/** Exponential backoff with jitter: base · 2^retry, between half and all of it, at most a minute. */
export function backoffMs(retry: number, baseMs: number, random: () => number = Math.random): number {
  const full = Math.min(60_000, baseMs * 2 ** retry);
  return Math.round(full / 2 + random() * (full / 2));
}
