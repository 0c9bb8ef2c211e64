import {
  registerLlmAgents,
  registerTemplateAgent,
  TEMPLATE_AGENT,
  TEMPLATE_AGENT_DESCRIPTION,
  TEMPLATE_ALTERNATIVES,
  templateUnsupported,
} from '@aira/agents';
import type { Registry as Competitions } from '@aira/competitions';
import { ConfigError } from '@aira/core';
import {
  defaultRegistry,
  presetLayer,
  resolveRunConfig,
  type ConfigLayer,
  type GivenSettings,
  type Registry,
  type ResolveInput,
  type ResolvedConfig,
} from '@aira/coordinator';

/** Adds the agents of @aira/agents to a coordinator registry (`template`; the LLM agents append theirs). */
export function withAgents(registry: Registry): Registry {
  registerTemplateAgent(registry);
  registerLlmAgents(registry);
  return registry;
}

/** How a run's agent is named to people: plainly LLM-free for the template agent. */
export function describeAgent(name: string): string {
  return name === TEMPLATE_AGENT ? TEMPLATE_AGENT_DESCRIPTION : name;
}

const DEFAULT_ORIGIN = `default (no agent asked for: ${TEMPLATE_AGENT_DESCRIPTION})`;

/**
 * The default agent as a layer under every other: when no layer names an agent (--agent,
 * AIRA_AGENT, the config file, --set) and no script is given, the run uses the LLM-free template
 * agent, and its provenance says so. An LLM agent runs only when asked for.
 */
export function defaultAgentLayers(given: GivenSettings): ConfigLayer[] {
  if (given.has('agent.name') || given.has('agent.script')) return [];
  return [presetLayer(DEFAULT_ORIGIN, { 'agent.name': TEMPLATE_AGENT })];
}

/** Resolves `aira run`'s config with the template agent as the default (and `input.presets` over it). */
export function resolveWithDefaultAgent(input: ResolveInput): ResolvedConfig {
  const presets = input.presets ?? defaultAgentLayers;
  const registry = input.registry ?? withAgents(defaultRegistry());
  return needsData(resolveRunConfig({ ...input, presets, registry }));
}

/** The template agent writes solutions for a competition's data: without one every job would fail. */
function needsData(resolved: ResolvedConfig): ResolvedConfig {
  const c = resolved.config;
  if (c.agent.name === TEMPLATE_AGENT && !c.suite && c.competitions.length === 0) {
    const origin = resolved.provenance.get('agent.name');
    const why = origin === DEFAULT_ORIGIN ? 'the default when no agent is asked for' : `from ${origin}`;
    throw new ConfigError(
      `agent.name: the LLM-free template agent (${why}) needs a competition's data: give --competition ID or --suite NAME, or --script FILE to run your own solution`,
    );
  }
  return resolved;
}

/**
 * The competitions of a run the template agent cannot write a valid solution for, each with why,
 * as lines to print before the study starts (empty for another agent, or when it serves them all):
 * such runs would spend their whole budget on invalid candidates.
 */
export function unservedCompetitions(
  config: { agent: { name: string }; suite?: string; competitions: string[] },
  reg: Competitions,
): string[] {
  if (config.agent.name !== TEMPLATE_AGENT) return [];
  const ids = [...(config.suite ? reg.resolveSuite(config.suite).ids : []), ...config.competitions];
  const lines: string[] = [];
  for (const id of [...new Set(ids)]) {
    const f = reg.find(id);
    const why = f ? templateUnsupported(f.manifest) : null;
    if (why) lines.push(`  ${id}: ${why}`);
  }
  if (!lines.length) return [];
  return [
    `template agent: cannot write a valid solution for ${lines.length} of ${new Set(ids).size} competition(s); their runs would end with invalid candidates only:`,
    ...lines,
    `  for these, ${TEMPLATE_ALTERNATIVES}`,
  ];
}
