import { ConfigError } from '@aira/core';
import type { RunConfig } from '@aira/coordinator';
import { llmConfigOf, type LlmEndpoint } from './config.js';

/** Everything the client needs, resolved from the run config and the environment. */
export interface LlmSettings {
  baseUrl: string;
  model: string;
  /** The key itself; never logged (the Redactor removes it from everything written). */
  apiKey: string;
  /** The name of the variable it came from (shown to people instead of the key). */
  apiKeyEnv: string;
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  maxTokensField: 'auto' | 'max_tokens' | 'max_completion_tokens';
  contextTokens?: number;
  sendReasoning: boolean;
  toolProtocol: 'auto' | 'native' | 'text';
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  concurrency: number;
  prices: { input: number; output: number; cachedInput: number };
}

const OPENAI = /^https:\/\/api\.openai\.com(\/|$)/;

/** Local servers (vLLM, Ollama, llama.cpp) often need no key; they get this placeholder. */
export const NO_KEY = 'no-key';

/**
 * Resolves the LLM settings of an agent that was asked for (`--agent react|operators`): a model
 * is required, and the key is read from the variable `llm.apiKeyEnv` names. OpenAI's own endpoint
 * without a key is an error; another endpoint without one gets a placeholder.
 */
export function llmSettings(
  config: RunConfig,
  env: NodeJS.ProcessEnv = process.env,
  agent = config.agent.name,
  endpoint: LlmEndpoint = {},
): LlmSettings {
  const defined = Object.fromEntries(Object.entries(endpoint).filter(([, v]) => v !== undefined));
  const base = llmConfigOf(config);
  const llm = { ...base, ...defined };
  if (!llm.model)
    throw new ConfigError(`llm.model: the ${agent} agent needs a model (--model NAME or AIRA_MODEL)`);
  const key = env[llm.apiKeyEnv];
  if ((key === undefined || key === '') && OPENAI.test(llm.baseUrl)) {
    throw new ConfigError(
      `llm.apiKeyEnv: the environment variable ${llm.apiKeyEnv} is not set (it holds the key for ${llm.baseUrl}; name another with --llm-api-key-env VAR, or point --llm-base-url at your own server)`,
    );
  }
  return {
    baseUrl: llm.baseUrl,
    model: llm.model,
    apiKey: key || NO_KEY,
    apiKeyEnv: llm.apiKeyEnv,
    temperature: llm.temperature,
    topP: llm.topP,
    maxOutputTokens: llm.maxOutputTokens,
    maxTokensField: llm.maxTokensField,
    contextTokens: llm.contextTokens,
    sendReasoning: llm.sendReasoning,
    toolProtocol: llm.toolProtocol,
    timeoutMs: llm.timeout,
    maxRetries: llm.maxRetries,
    retryBaseMs: llm.retryBase,
    concurrency: llm.concurrency,
    prices: pricesOf(endpoint.prices ?? base.priceTable[llm.model] ?? base.prices),
  };
}

function pricesOf(p: { input: number; output: number; cachedInput?: number }): LlmSettings['prices'] {
  return { input: p.input, output: p.output, cachedInput: p.cachedInput ?? p.input };
}

/** USD of one call at per-1M-token prices. */
export function costOf(
  usage: { promptTokens: number; completionTokens: number; cachedTokens: number },
  prices: LlmSettings['prices'],
): number {
  const uncached = Math.max(0, usage.promptTokens - usage.cachedTokens);
  return (
    (uncached * prices.input +
      usage.cachedTokens * prices.cachedInput +
      usage.completionTokens * prices.output) /
    1_000_000
  );
}

/** Whether the endpoint is OpenAI's own (which wants max_completion_tokens rather than max_tokens). */
export function isOpenAi(baseUrl: string): boolean {
  return OPENAI.test(baseUrl);
}
