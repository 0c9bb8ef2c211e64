import type { z } from 'zod';
import { ConfigError, dottedPath, fieldIssues } from '@aira/core';
import type { Registry, RegistryEntry } from '../run/registry.js';
import { RUN_CONFIG_KEYS, RunConfig } from './schema.js';

export type SectionCheck =
  { success: true; config: RunConfig } | { success: false; issues: readonly z.core.$ZodIssue[] };

/**
 * Validates the sections of a run config that registry entries own, each with its entry's
 * schema: the run's agent validates what it owns (its `agent` section first of all); a section
 * the run's agent does not own (the LLM agents' `llm` in a template run) is validated by the first
 * registered entry that does, so a misspelt setting is named either way. Issue paths start at the
 * top of the run config, so file:line and provenance lookups work as for the coordinator's own.
 */
export function checkSections(
  config: RunConfig,
  raw: Record<string, unknown>,
  registry: Registry,
): SectionCheck {
  const owner = sectionOwners(registry, config.agent.name);
  const out: Record<string, unknown> = { ...config };
  const issues: z.core.$ZodIssue[] = [];
  const bySchema = new Map<z.ZodObject, string[]>();
  for (const [key, schema] of owner) bySchema.set(schema, [...(bySchema.get(schema) ?? []), key]);
  for (const [schema, keys] of bySchema) {
    const pick = Object.fromEntries(keys.map((k) => [k, true])) as Record<string, true>;
    const input = Object.fromEntries(keys.map((k) => [k, k === 'agent' ? config.agent : raw[k]]));
    const r = schema.pick(pick).safeParse(input);
    if (r.success) Object.assign(out, r.data);
    else issues.push(...r.error.issues);
  }
  return issues.length ? { success: false, issues } : { success: true, config: out as RunConfig };
}

/** Which registered schema validates each owned top-level key (see checkSections for the rule). */
function sectionOwners(registry: Registry, agentName: string): Map<string, z.ZodObject> {
  const agent = registry.agents.get(agentName);
  const entries: Array<RegistryEntry<unknown>> = [
    ...(agent ? [agent] : []),
    ...registry.agents.values(),
    ...registry.evaluators.values(),
  ];
  const owner = new Map<string, z.ZodObject>();
  for (const e of entries) {
    if (!e.configSchema) continue;
    for (const key of Object.keys(e.configSchema.shape)) {
      // The `agent` section is the run's agent's alone: another agent's schema would refuse its settings.
      if (key === 'agent' && e !== agent) continue;
      if (!owner.has(key)) owner.set(key, e.configSchema);
    }
  }
  return owner;
}

/**
 * The values the coordinator's own schema checks: without the top-level sections that only
 * registry entries know of (an entry may own a section of its own name, e.g. `hce` options).
 */
export function coordinatorPart(
  values: Record<string, unknown>,
  registry: Registry,
): Record<string, unknown> {
  const owned = new Set<string>();
  for (const e of [...registry.agents.values(), ...registry.evaluators.values()])
    for (const key of Object.keys(e.configSchema?.shape ?? {})) if (!RUN_CONFIG_KEYS.has(key)) owned.add(key);
  return Object.fromEntries(Object.entries(values).filter(([k]) => !owned.has(k)));
}

/**
 * A run config given as values (a study's saved config on resume, a config made in code), checked
 * by the coordinator's schema and the registry's: the first problem is one line naming its field.
 */
export function parseRunConfig(values: Record<string, unknown>, registry: Registry): RunConfig {
  const first = (issues: readonly z.core.$ZodIssue[]) => {
    const i = fieldIssues(issues)[0]!;
    return new ConfigError(`invalid run config: ${dottedPath(i.path)}: ${i.message}`);
  };
  const base = RunConfig.safeParse(coordinatorPart(values, registry));
  if (!base.success) throw first(base.error.issues);
  const r = checkSections(base.data, values, registry);
  if (!r.success) throw first(r.issues);
  return r.config;
}
