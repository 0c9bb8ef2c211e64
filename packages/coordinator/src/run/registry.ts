import { ConfigError } from '@aira/core';
import { scriptAgent } from '../agent/script-agent.js';
import type { AgentFactory, EvaluatorFactory, RunCompetition } from '../agent/types.js';
import type { RunConfig } from '../config/schema.js';
import { selfReportedEvaluator } from '../evaluator/self-reported.js';

/**
 * Agents, evaluators and suites a study can use, by name. The coordinator ships the `script`
 * agent and the `self-reported` evaluator; the agents, HCE and competitions packages add theirs
 * (`react`, `operators`, `template`; `hce`; suites) to a registry passed to runStudy.
 */
export interface Registry {
  agents: Map<string, AgentFactory>;
  evaluators: Map<string, EvaluatorFactory>;
  /** Competition ids of a suite; absent when no competitions package is present. */
  suites?: (name: string) => string[];
  /** Throws a ConfigError for a competition id no plugin serves (before any study folder exists). */
  checkCompetition?: (id: string) => void;
  /** The competition of an id, made from the loaded plugins; absent when no competitions package is wired. */
  competition?: (id: string) => RunCompetition;
}

/**
 * The first step of a run's set-up, before its evaluator prepares: the run's competition made
 * from the registry and its plugin's data prepared (a no-op when current). Null for a run without
 * a competition, or when the registry makes none.
 */
export async function prepareCompetition(
  id: string | null,
  registry: Registry,
): Promise<RunCompetition | null> {
  if (!id || !registry.competition) return null;
  const competition = registry.competition(id);
  await competition.prepare?.();
  return competition;
}

export function defaultRegistry(): Registry {
  return {
    agents: new Map<string, AgentFactory>([['script', scriptAgent]]),
    evaluators: new Map<string, EvaluatorFactory>([['self-reported', selfReportedEvaluator]]),
  };
}

/** The evaluator a run uses: `--hce off` → self-reported; `on` → hce; `auto` → hce for a competition when available. */
export function evaluatorName(config: RunConfig, competition: string | null, registry: Registry): string {
  if (config.hce === 'off') return 'self-reported';
  if (config.hce === 'on') {
    if (!registry.evaluators.has('hce'))
      throw new ConfigError(
        'hce: "on" needs the HCE evaluator, which this build does not include (use --hce off)',
      );
    return 'hce';
  }
  return competition && registry.evaluators.has('hce') ? 'hce' : 'self-reported';
}

export function agentFactory(config: RunConfig, registry: Registry): AgentFactory {
  const factory = registry.agents.get(config.agent.name);
  if (!factory)
    throw new ConfigError(
      `agent.name: unknown agent "${config.agent.name}" (known: ${[...registry.agents.keys()].join(', ')})`,
    );
  return factory;
}

/** The competitions a study runs: the suite's, the listed ones, or one run without a competition. */
export function studyCompetitions(config: RunConfig, registry: Registry): Array<string | null> {
  if (config.suite) {
    if (!registry.suites)
      throw new ConfigError(
        `suite: "${config.suite}" cannot be resolved: no competitions package is registered`,
      );
    const ids = registry.suites(config.suite);
    if (ids.length === 0) throw new ConfigError(`suite: "${config.suite}" lists no competition`);
    return ids;
  }
  for (const id of config.competitions) registry.checkCompetition?.(id);
  return config.competitions.length > 0 ? [...config.competitions] : [null];
}
