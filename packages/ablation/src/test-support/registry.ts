import { registerTemplateAgent } from '@aira/agents';
import { loadRegistry, pluginsFromEnv, type Registry as Competitions } from '@aira/competitions';
import { cliWorkerLauncher, defaultRegistry, type Registry } from '@aira/coordinator';
import { registerHce } from '@aira/hce';
import { airaBin, assertBuilt } from '@aira/testing';

/** The built `aira` command: the local pool starts real worker daemons through it. */
export const AIRA_BIN = airaBin();
export { assertBuilt };

export const launch = cliWorkerLauncher(AIRA_BIN, ['--log-level', 'warn']);

/**
 * A registry wired as the cli wires it (packages/cli/src/hce.ts, agents.ts): the template agent,
 * HCE over the plugins' competitions (a plugin's data prepared when first resolved), and suites.
 */
export async function cliLikeRegistry(): Promise<Registry> {
  const competitions: Competitions = await loadRegistry({ plugins: pluginsFromEnv() });
  const registry = registerTemplateAgent(defaultRegistry());
  registerHce(registry, {
    resolve: async (id) => {
      const c = competitions.create(id);
      await c.prepare?.();
      return c;
    },
  });
  registry.suites = (name) => competitions.resolveSuite(name).ids;
  return registry;
}
