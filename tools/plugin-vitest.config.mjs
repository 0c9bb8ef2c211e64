// Runs a competition plugin's own tests when the plugin lives outside this repository:
//   AIRA_PLUGIN_DIR=/path/to/plugin npx vitest run --config tools/plugin-vitest.config.mjs
// (from this checkout). Its imports of @aira/* resolve to this checkout's sources.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = process.env.AIRA_PLUGIN_DIR;
if (!dir) throw new Error('set AIRA_PLUGIN_DIR to the plugin folder');
// Exact names only: a subpath such as @aira/core/errors resolves through the package's own exports.
const alias = readdirSync(`${root}packages`).map((p) => ({
  find: new RegExp(`^@aira/${p}$`),
  replacement: `${root}packages/${p}/src/index.ts`,
}));

export default defineConfig({
  resolve: { conditions: ['@aira/source'], alias },
  ssr: { resolve: { conditions: ['@aira/source'] } },
  test: { root: dir, include: ['*.test.ts'], testTimeout: 60_000 },
});
