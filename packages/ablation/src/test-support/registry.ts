import { registerTemplateAgent } from '@aira/agents';
import { loadRegistry, pluginsFromEnv, type Registry as Competitions } from '@aira/competitions';
import { cliWorkerLauncher, defaultRegistry, type Registry } from '@aira/coordinator';
import { registerHce } from '@aira/hce';
import { airaBin, assertBuilt, repoPlugins } from '@aira/testing';

/** The built `aira` command: the local pool starts real worker daemons through it. */
export const AIRA_BIN = airaBin();
export { assertBuilt };

export const launch = cliWorkerLauncher(AIRA_BIN, ['--log-level', 'warn']);

/**
 * A registry wired as the cli wires it (packages/cli/src/hce.ts, agents.ts): the template agent,
 * HCE, the plugins' competitions (each prepared in its run's set-up), and suites.
 */
export async function cliLikeRegistry(): Promise<Registry> {
  const competitions: Competitions = await loadRegistry({ ...repoPlugins(), plugins: pluginsFromEnv() });
  const registry = registerHce(registerTemplateAgent(defaultRegistry()), {});
  registry.competition = (id) => competitions.create(id);
  registry.suites = (name) => competitions.resolveSuite(name).ids;
  return registry;
}
