import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fileTempDir } from '@aira/testing';

// vitest compiles TypeScript itself, so the plain-Node path (jiti) is only reached from the built
// package: these run dist/code-import.js in a child `node`, as the CLI does.
const built = fileURLToPath(new URL('../dist/code-import.js', import.meta.url));

/** Writes each (file, text) in turn and imports it in one child process; a line per import. */
function load(steps: Array<[string, string]>): string[] {
  const code = `
    const { importPluginModule } = await import(${JSON.stringify(built)});
    const { writeFileSync } = await import('node:fs');
    const steps = JSON.parse(process.argv[1]);
    for (const [file, text] of steps) {
      writeFileSync(file, text);
      try { const m = await importPluginModule(file); console.log('ok', JSON.stringify(m.value ?? null)); }
      catch (err) { console.log('error', err.message); }
    }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code, JSON.stringify(steps)], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split('\n');
}

describe.skipIf(!existsSync(built))('TypeScript plugin code on plain Node (built package)', () => {
  const t = fileTempDir('code-import');

  it('loads TypeScript with relative .js imports, the running @aira/competitions and edits', () => {
    const index = t.write('p/index.ts', '');
    t.write('p/util.ts', 'export const base: number = 40;\n');
    const out = load([
      [
        index,
        "import { base } from './util.js';\nimport { readCsv } from '@aira/competitions';\n" +
          'export const value: [number, string] = [base + 2, typeof readCsv];\n',
      ],
      [index, "import { base } from './util.js';\nexport const value: number = base + 3;\n"],
    ]);
    expect(out).toEqual(['ok [42,"function"]', 'ok 43']);
  }, 180_000);

  it('names the file, line and column of a syntax error on one line', () => {
    const index = t.write('q/index.ts', '');
    const [line] = load([[index, 'export const a = 1;\nexport const value = ;\n']]);
    expect(line).toMatch(/^error \S+\/q\/index\.ts:2:\d+: .*Unexpected token/);
  }, 180_000);
});
