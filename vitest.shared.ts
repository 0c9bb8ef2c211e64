import { defineConfig } from 'vitest/config';

// One shared config merged into every package's vitest.config.ts (typescript-eslint's pattern).
export default defineConfig({
  resolve: { conditions: ['@aira/source'] },
  ssr: { resolve: { conditions: ['@aira/source'] } },
  test: {
    passWithNoTests: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    include: ['src/**/*.test.ts'],
  },
});
