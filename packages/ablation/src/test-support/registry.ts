import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registerTemplateAgent } from '@aira/agents';
import { loadRegistry, pluginsFromEnv, type Registry as Competitions } from '@aira/competitions';
import { cliWorkerLauncher, defaultRegistry, type Registry } from '@aira/coordinator';
import { registerHce } from '@aira/hce';

/** The built `aira` command: the local pool starts real worker daemons through it. */
export const AIRA_BIN = fileURLToPath(new URL('../../../cli/bin/aira.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(AIRA_BIN.replace(/bin\/aira\.js$/, 'dist/main.js'))) {
    throw new Error('aira is not built: run `npx tsc -b tsconfig.json` at the repository root first (the workers run the built CLI)');
  }
}

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
