import type { Registry as Competitions } from '@aira/competitions';
import { ConfigError } from '@aira/core';
import type { Registry } from '@aira/coordinator';
import { registerHce } from '@aira/hce';

/**
 * Wires Hidden Consistent Evaluation into a coordinator registry: "hce" (used by `--hce on`, and by
 * the default `auto` when a run has a competition) and, over "self-reported" (`--hce off`), the
 * variant that still grades test predictions for the report. Each run's competition reaches it
 * from the run's set-up (`withCompetitions`), already prepared.
 */
export function withHce(registry: Registry): Registry {
  return registerHce(registry, {});
}

/**
 * Hands the loaded competitions to a coordinator registry: a run's competition is made from its
 * plugin, bound to the data folder AIRA_MLEBENCH_DATA names (else MLE-bench's default), and
 * prepared (plugins/mini prepares from Debian's files) as the first step of the run's set-up;
 * `aira run --suite NAME` resolves suites through the plugins (and benchmarks/suites): every id of
 * the suite must be served by a loaded plugin; an id given with --competition is checked against
 * the plugins before the study folder exists.
 */
export function withCompetitions(registry: Registry, competitions: Competitions): Registry {
  registry.competition = (id) => competitions.create(id);
  registry.suites = (name) => {
    const s = competitions.resolveSuite(name);
    if (s.unresolved.length > 0)
      throw new ConfigError(`suite "${name}": ${s.unresolved.map((u) => `${u.id}: ${u.reason}`).join('; ')}`);
    return s.competitions.map((f) => f.id);
  };
  registry.checkCompetition = (id) => void competitions.get(id);
  return registry;
}
