import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder (with a trailing slash), for tests that read its plugins, benchmarks or build. */
export function repoRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

/**
 * Where the repository's own plugins and suites lie, as the CLI passes them to the competitions
 * registry (`loadRegistry(repoPlugins())`), for tests that load the installed competitions.
 */
export function repoPlugins(): { pluginsDir: string; suitesDir: string; roots: string[] } {
  const root = repoRoot();
  return { pluginsDir: join(root, 'plugins'), suitesDir: join(root, 'benchmarks', 'suites'), roots: [root] };
}

/**
 * The built `aira` command (packages/cli/bin/aira.js). Tests drive real worker daemons and real
 * coordinators through it; this is the one place that knows where it lies in the repository.
 */
export function airaBin(): string {
  return fileURLToPath(new URL('../../cli/bin/aira.js', import.meta.url));
}

/** Throws a clear error when the CLI is not built (spawned processes run `dist/`, not `src/`). */
export function assertBuilt(hint = ''): void {
  if (!existsSync(fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url)))) {
    throw new Error(
      `aira is not built: run \`npx tsc -b tsconfig.json\` at the repository root first${hint ? ` (${hint})` : ''}`,
    );
  }
}
