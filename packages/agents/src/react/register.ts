import { registerAgent, type Registry, type RunConfig } from '@aira/coordinator';
import { LlmAgentSections, llmAgentOf } from '../llm/config.js';
import { LLM_FIELDS } from '../llm/fields.js';
import { OPERATORS_AGENT, operatorsAgent } from '../operators/agent.js';
import { promptDir } from '../llm/prompts.js';
import { Endpoints } from '../llm/endpoints.js';
import { REACT_AGENT, reactAgent, type LlmAgentOptions } from './agent.js';

export const LLM_AGENTS = [REACT_AGENT, OPERATORS_AGENT] as const;

/**
 * Adds `react` and `operators` to a registry (the CLI calls this for `aira run`). Registering
 * spends nothing: an LLM agent runs only when a run names it (`--agent react|operators`).
 */
export function registerLlmAgents(registry: Registry, options: LlmAgentOptions = {}): Registry {
  registerAgent(registry, {
    id: REACT_AGENT,
    description: 'ReAct: one LLM conversation per job with bash, python and submit tools',
    configSchema: LlmAgentSections,
    fields: LLM_FIELDS,
    create: (config) => reactAgent(config, options),
  });
  return registerAgent(registry, {
    id: OPERATORS_AGENT,
    description: "the paper's operators (draft, mutate, crossover, debug): one LLM call per job",
    configSchema: LlmAgentSections,
    fields: LLM_FIELDS,
    create: (config) => operatorsAgent(config, options),
  });
}

/**
 * Checks an LLM agent's settings (model, key variables, roles, prompt folder) before a study starts, so a
 * missing model or key is a one-line error rather than a failure after the workers are up.
 * Does nothing for other agents.
 */
export function checkLlmAgentConfig(config: RunConfig, env: NodeJS.ProcessEnv = process.env): void {
  const name = config.agent.name;
  if (name !== REACT_AGENT && name !== OPERATORS_AGENT) return;
  new Endpoints(config, env, name); // the main endpoint, each role's and each fallback's settings and keys
  promptDir(name === REACT_AGENT ? 'react' : 'operators', llmAgentOf(config).prompts);
}
