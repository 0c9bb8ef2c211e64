// @aira/agents: what drives a job. One re-export block per agent; the CLI registers them by name
// into the coordinator's registry.

// template: LLM-free scikit-learn solution templates (issue 8).
export { templateAgent, registerTemplateAgent, TEMPLATE_AGENT, TEMPLATE_AGENT_DESCRIPTION, failureText } from './template/index.js';
export {
  planLayout,
  outputsFromDescription,
  metricFromText,
  LayoutError,
  spaceFor,
  sampleChoices,
  mutateChoices,
  crossoverChoices,
  debugChoices,
  complete,
  diffChoices,
  planJob,
  renderScript,
  parseHeader,
  seededRng,
  templateUnsupported,
  TEMPLATE_ALTERNATIVES,
  type DataLayout,
  type CompetitionFacts,
  type Choices,
  type Space,
  type TemplateName,
  type TemplateHeader,
  type JobPlan,
  type Change,
} from './template/index.js';

// react and operators: LLM agents over any OpenAI-compatible endpoint (issue 10).
export {
  reactAgent,
  registerLlmAgents,
  checkLlmAgentConfig,
  LLM_AGENTS,
  REACT_AGENT,
  reactTools,
  checkArgs,
  execObservation,
  probeEnvironment,
  type LlmAgentOptions,
  type Environment,
} from './react/index.js';
export { operatorsAgent, operatorTemplate, extractCode, OPERATORS_AGENT } from './operators/index.js';
export {
  LlmClient,
  LlmError,
  llmSettings,
  costOf,
  Semaphore,
  endpointLimiter,
  jsonlLog,
  Redactor,
  parseToolBlocks,
  describeTools,
  toWire,
  PROMPTS_ROOT,
  promptDir,
  renderTemplate,
  renderPrompt,
  type LlmSettings,
  type LlmLog,
  type CallOptions,
  type ToolSpec,
  type ToolCall,
  type Turn,
  type Usage,
  type ToolProtocol,
  type Completion,
} from './llm/index.js';
