import { z } from 'zod';
import { zDuration } from '@aira/core';
import type { RunConfig } from '@aira/coordinator';

/**
 * The settings of the LLM agents (`react`, `operators`): their part of the `agent` section and the
 * whole `llm` section of a run config. They register this schema with their registry entries; the
 * coordinator validates a run's sections with it (naming file:line) and knows nothing of them.
 */

const positiveInt = z.number().int().positive();
const probability = z.number().min(0).max(1);

/** The `agent` section of a run whose agent is react or operators. */
export const LlmAgentConfig = z.strictObject({
  name: z.string().min(1),
  /** Limits of one job. The paper gives no step limit. */
  maxSteps: positiveInt.default(100),
  /** Total tokens (prompt + completion) one job may use; unset: no limit. */
  maxTokens: positiveInt.optional(),
  /** Wall-clock limit of one job (always within the run's remaining budget). */
  jobTime: zDuration.optional(),
  /** react: offer read_file / write_file / edit_file besides bash, python and submit (off: as the paper). */
  fileTools: z.boolean().default(false),
  /** Characters of a command's output shown to the model (head and tail; the rest is in the log). */
  outputChars: positiveInt.default(12_000),
  /** Prompt templates, a version under packages/agents/prompts (v1) or a folder of your own. */
  prompts: z.string().min(1).default('v1'),
});
export type LlmAgentConfig = z.output<typeof LlmAgentConfig>;

export const Prices = z.strictObject({
  input: z.number().nonnegative().default(0),
  output: z.number().nonnegative().default(0),
  /** Unset: the input price. */
  cachedInput: z.number().nonnegative().optional(),
});

/** Another endpoint or model: what it sets replaces the main `llm` settings (a URL alone: that base URL). */
export const LlmEndpoint = z.union(
  [
    z.url().transform((baseUrl) => ({ baseUrl }) as LlmEndpointOut),
    z.strictObject({
      baseUrl: z.url().optional(),
      model: z.string().min(1).optional(),
      apiKeyEnv: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
        .optional(),
      contextTokens: positiveInt.optional(),
      maxOutputTokens: positiveInt.optional(),
      prices: Prices.optional(),
    }),
  ],
  {
    error:
      'expected a base URL (http://host:port/v1) or {baseUrl, model, apiKeyEnv, contextTokens, maxOutputTokens, prices}',
  },
);
export type LlmEndpointOut = {
  baseUrl?: string;
  model?: string;
  apiKeyEnv?: string;
  contextTokens?: number;
  maxOutputTokens?: number;
  prices?: z.output<typeof Prices>;
};

/** The LLM endpoint of the react and operators agents (any OpenAI-compatible server). */
export const LlmConfig = z.strictObject({
  baseUrl: z.url().default('https://api.openai.com/v1'),
  model: z.string().min(1).optional(),
  /** The NAME of the environment variable that holds the key; the key itself never enters config or logs. */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
    .default('OPENAI_API_KEY'),
  temperature: z.number().min(0).max(2).optional(),
  topP: probability.optional(),
  /** Longest reply (max_tokens) of one call. */
  maxOutputTokens: positiveInt.optional(),
  /** The request field that carries it; auto: max_completion_tokens for OpenAI, max_tokens elsewhere. */
  maxTokensField: z.enum(['auto', 'max_tokens', 'max_completion_tokens']).default('auto'),
  /** The model's context length in tokens; unset: from the endpoint's model list (vLLM's max_model_len), else learnt from its refusals. */
  contextTokens: positiveInt.optional(),
  /** Send a reasoning model's earlier thinking (reasoning_content) back with the conversation. */
  sendReasoning: z.boolean().default(false),
  /** native: the server's tool calling; text: fenced ```tool blocks; auto: native, text once the server rejects tools. */
  toolProtocol: z.enum(['auto', 'native', 'text']).default('auto'),
  /** Per-call timeout. */
  timeout: zDuration.default(10 * 60_000),
  /** Retries of one call on 429, 5xx, timeouts and connection errors. */
  maxRetries: z.number().int().nonnegative().default(6),
  /** First backoff delay (doubled each retry, with jitter) when the server sends no Retry-After. */
  retryBase: zDuration.default(1_000),
  /** Requests in flight to one endpoint at once, shared by every job of the process. */
  concurrency: positiveInt.default(8),
  /** USD per 1M tokens; cost = prompt × input + cached prompt × cachedInput + completion × output. */
  prices: Prices.default({ input: 0, output: 0 }),
  /** Prices by model name (as sent to the endpoint); a model listed here is priced by its entry, others by `prices`. */
  priceTable: z.record(z.string(), Prices).default({}),
  /** Endpoints tried in order when a call fails for good (retries used up, no connection): each replaces the settings it names. */
  fallbacks: z.array(LlmEndpoint).default([]),
  /**
   * Another model (or endpoint) for some jobs, by agent (`react`, `operators`) or operator
   * (`draft`, `mutate`, `crossover`, `debug`); the operator's entry wins. A string is a model name.
   */
  roles: z
    .record(
      z.string(),
      z.union(
        [
          z
            .string()
            .min(1)
            .transform((model) => ({ model }) as LlmEndpointOut),
          LlmEndpoint,
        ],
        {
          error:
            'expected a model name (--role-model ROLE=MODEL) or {baseUrl, model, apiKeyEnv, contextTokens, maxOutputTokens, prices}',
        },
      ),
    )
    .default({}),
});
/** Another endpoint's settings, as `fallbacks` and `roles` give them. */
export type LlmEndpoint = LlmEndpointOut;
export type LlmConfig = z.output<typeof LlmConfig>;

/** What the LLM agents' registry entries validate: their sections of a run config. */
export const LlmAgentSections = z.object({
  agent: LlmAgentConfig,
  llm: LlmConfig.default(LlmConfig.parse({})),
});

const llmCache = new WeakMap<object, LlmConfig>();
const agentCache = new WeakMap<object, LlmAgentConfig>();

/** The run's `llm` section with its defaults (a config made in code may carry it unvalidated). */
export function llmConfigOf(config: Pick<RunConfig, 'llm'>): LlmConfig {
  const raw = (config.llm ?? {}) as object;
  let parsed = llmCache.get(raw);
  if (!parsed) {
    parsed = LlmConfig.parse(raw);
    llmCache.set(raw, parsed);
  }
  return parsed;
}

/** The run's `agent` section as the LLM agents read it, with its defaults. */
export function llmAgentOf(config: Pick<RunConfig, 'agent'>): LlmAgentConfig {
  const raw = config.agent as object;
  let parsed = agentCache.get(raw);
  if (!parsed) {
    parsed = LlmAgentConfig.parse(raw);
    agentCache.set(raw, parsed);
  }
  return parsed;
}
