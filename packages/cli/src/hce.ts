import { loadRegistry, pluginsFromEnv, type Registry as Competitions } from '@aira/competitions';
import { ConfigError } from '@aira/core';
import type { Registry } from '@aira/coordinator';
import { registerHce } from '@aira/hce';

/**
 * Wires Hidden Consistent Evaluation into a coordinator registry: "hce" (used by `--hce on`, and by
 * the default `auto` when a run has a competition) and, over "self-reported" (`--hce off`), the
 * variant that still grades test predictions for the report. Competitions come from the plugins
 * (plus AIRA_PLUGINS), bound to the data folder AIRA_MLEBENCH_DATA names (else MLE-bench's default).
 * A competition whose plugin exports prepare() (plugins/mini) prepares its data here, before HCE
 * splits it; the plugin's prepare is a no-op when its data is current.
 */
export function withHce(registry: Registry): Registry {
  let competitions: Promise<Competitions> | undefined;
  return registerHce(registry, {
    resolve: async (id) => {
      competitions ??= loadRegistry({ plugins: pluginsFromEnv() });
      const c = (await competitions).create(id);
      await c.prepare?.();
      return c;
    },
  });
}

/**
 * Lets `aira run --suite NAME` resolve suites through the competitions' plugins (and
 * benchmarks/suites): every id of the suite must be served by a loaded plugin; an id given with
 * --competition is checked against the plugins before the study folder exists.
 */
export async function withSuites(registry: Registry, loaded?: Competitions): Promise<Registry> {
  const competitions = loaded ?? (await loadRegistry({ plugins: pluginsFromEnv() }));
  registry.suites = (name) => {
    const s = competitions.resolveSuite(name);
    if (s.unresolved.length > 0)
      throw new ConfigError(`suite "${name}": ${s.unresolved.map((u) => `${u.id}: ${u.reason}`).join('; ')}`);
    return s.competitions.map((f) => f.id);
  };
  registry.checkCompetition = (id) => void competitions.get(id);
  return registry;
}
