import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRegistry, pluginsFromEnv, type Registry } from '@aira/competitions';

/** The folder `aira` is installed in (this file lies in packages/cli/{src,dist}/). */
export const INSTALL_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The installed competition plugins (`plugins/*`) and stand-alone suites, handed to the registry. */
export const PLUGINS_DIR = join(INSTALL_ROOT, 'plugins');
export const SUITES_DIR = join(INSTALL_ROOT, 'benchmarks', 'suites');

const loaded = new Map<string, Promise<Registry>>();

/**
 * The competition registry of this process, loaded once for each set of plugins: the installed
 * plugins and suites, AIRA_PLUGINS, and `extra` (--plugin). Every command that needs competitions
 * gets them here and passes the registry (or a competition from it) down.
 */
export function loadCompetitions(extra: string[] = []): Promise<Registry> {
  const plugins = [...pluginsFromEnv(), ...extra];
  const key = plugins.join('\0');
  let registry = loaded.get(key);
  if (!registry) {
    registry = loadRegistry({
      pluginsDir: PLUGINS_DIR,
      suitesDir: SUITES_DIR,
      roots: [INSTALL_ROOT],
      plugins,
    });
    loaded.set(key, registry);
  }
  return registry;
}
