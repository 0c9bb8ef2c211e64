import { z } from 'zod';
import { ConfigError } from '@aira/core';
import { ScriptAgentConfig, scriptAgent } from '../agent/script-agent.js';
import type { AgentFactory, EvaluatorFactory, RunCompetition } from '../agent/types.js';
import { FIELDS, SCRIPT_FIELDS, type FieldSpec } from '../config/fields.js';
import type { RunConfig } from '../config/schema.js';
import { selfReportedEvaluator } from '../evaluator/self-reported.js';

/**
 * One agent or evaluator a study can use (promptfoo's providers are the model): its id, a line
 * for people, the zod schema of its own sections of the run config, and what makes it. The
 * coordinator validates a run's sections with the schema of the entry the run uses, so it never
 * needs to know which agents exist or what they are configured with.
 */
export interface RegistryEntry<F> {
  id: string;
  description: string;
  /**
   * Its sections of the run config by top-level key (an agent's `agent`, the LLM agents' `llm`),
   * validated whenever a run uses it; absent: the entry takes no settings beyond the coordinator's.
   */
  configSchema?: z.ZodObject;
  /** Settings it adds to `aira run`: flags, AIRA_* variables and the types `--set` gives them. */
  fields?: FieldSpec[];
  create: F;
}

export type AgentEntry = RegistryEntry<AgentFactory>;

export interface EvaluatorEntry extends RegistryEntry<EvaluatorFactory> {
  /**
   * Whether a run with this config and competition uses it. The first registered evaluator that
   * says yes is used; a run no evaluator claims uses `self-reported`.
   */
  claims?: (config: RunConfig, competition: string | null) => boolean;
}

/**
 * Agents, evaluators and suites a study can use, by id. The coordinator ships the `script`
 * agent and the `self-reported` evaluator; the agents, HCE and competitions packages add theirs
 * (`react`, `operators`, `template`; `hce`; suites) to a registry passed to runStudy.
 */
export interface Registry {
  agents: Map<string, AgentEntry>;
  evaluators: Map<string, EvaluatorEntry>;
  /** Competition ids of a suite; absent when no competitions package is present. */
  suites?: (name: string) => string[];
  /** Throws a ConfigError for a competition id no plugin serves (before any study folder exists). */
  checkCompetition?: (id: string) => void;
  /** The competition of an id, made from the loaded plugins; absent when no competitions package is wired. */
  competition?: (id: string) => RunCompetition;
}

/** The evaluator every run can fall back on: scores the solution prints (`score: <number>`). */
export const SELF_REPORTED = 'self-reported';

export function registerAgent(registry: Registry, entry: AgentEntry): Registry {
  registry.agents.set(entry.id, entry);
  return registry;
}

/** Adds an evaluator; one with the id of a registered one takes its place (and its rank). */
export function registerEvaluator(registry: Registry, entry: EvaluatorEntry): Registry {
  registry.evaluators.set(entry.id, entry);
  return registry;
}

export function defaultRegistry(): Registry {
  const registry: Registry = { agents: new Map(), evaluators: new Map() };
  registerAgent(registry, {
    id: 'script',
    description: 'runs your own file (--script FILE) as every job’s solution',
    configSchema: z.object({ agent: ScriptAgentConfig }),
    fields: SCRIPT_FIELDS,
    create: scriptAgent,
  });
  return registerEvaluator(registry, {
    id: SELF_REPORTED,
    description: 'the score the solution prints (`score: <number>`), in the direction the config gives',
    create: selfReportedEvaluator,
  });
}

/**
 * Every setting `aira run` takes with this registry: the coordinator's, then each entry's (the
 * first entry to declare a path keeps it, so agents sharing settings list them once).
 */
export function fieldsOf(registry: Registry): FieldSpec[] {
  const out = [...FIELDS];
  const seen = new Set(out.map((f) => f.path));
  for (const entry of [...registry.agents.values(), ...registry.evaluators.values()])
    for (const f of entry.fields ?? []) {
      if (seen.has(f.path)) continue;
      seen.add(f.path);
      out.push(f);
    }
  return out;
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

/**
 * The evaluator a run uses: the first registered one that claims it (HCE claims `--hce on`, and
 * `auto` with a competition), else self-reported; `--hce on` that nothing claims is an error.
 */
export function evaluatorFor(
  config: RunConfig,
  competition: string | null,
  registry: Registry,
): EvaluatorEntry {
  for (const entry of registry.evaluators.values()) if (entry.claims?.(config, competition)) return entry;
  if (config.hce === 'on')
    throw new ConfigError(
      'hce: "on" needs the HCE evaluator, which this build does not include (use --hce off)',
    );
  const fallback = registry.evaluators.get(SELF_REPORTED);
  if (!fallback) throw new ConfigError(`no evaluator for this run (none registered as "${SELF_REPORTED}")`);
  return fallback;
}

/** The evaluator's id a run uses (see evaluatorFor). */
export function evaluatorName(config: RunConfig, competition: string | null, registry: Registry): string {
  return evaluatorFor(config, competition, registry).id;
}

export function agentEntry(name: string, registry: Registry): AgentEntry {
  const entry = registry.agents.get(name);
  if (!entry)
    throw new ConfigError(
      `agent.name: unknown agent "${name}" (known: ${[...registry.agents.keys()].join(', ')})`,
    );
  return entry;
}

export function agentFactory(config: RunConfig, registry: Registry): AgentFactory {
  return agentEntry(config.agent.name, registry).create;
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
