export { LlmClient, LlmError, type CallOptions, type ClientOptions } from './client.js';
export { llmSettings, costOf, NO_KEY, type LlmSettings } from './settings.js';
export { Semaphore, endpointLimiter } from './limiter.js';
export { jsonlLog, noLog, type LlmLog } from './log.js';
export { Redactor } from './redact.js';
export { classify, retryAfterMs, backoffMs, type Failure } from './retry.js';
export { parseToolBlocks, toolBlock, describeTools } from './text-protocol.js';
export { toWire, observationHeader } from './wire.js';
export {
  PROMPTS_ROOT,
  promptDir,
  loadTemplate,
  renderTemplate,
  renderPrompt,
  type PromptFamily,
  type TemplateVars,
} from './prompts.js';
export type { ToolSpec, ToolCall, Turn, Usage, ToolProtocol, Completion } from './types.js';
export {
  LlmConfig,
  LlmAgentConfig,
  LlmAgentSections,
  llmConfigOf,
  llmAgentOf,
  type LlmEndpoint,
} from './config.js';
export { LLM_FIELDS } from './fields.js';
