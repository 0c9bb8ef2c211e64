import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard's web app, built at set-up into web-dist/ and served offline by `aira serve`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../web-dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
    rolldownOptions: { checks: { pluginTimings: false } },
  },
});
