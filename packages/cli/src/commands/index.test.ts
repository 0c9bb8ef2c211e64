import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The built CLI (tests run after `tsc -b`, as `npm test` does). */
const AIRA = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/aira.js');
const dir = mkdtempSync(join(tmpdir(), 'aira-cli-lazy-'));

/** Runs `aira …` and lists every module URL it resolved (a module.register hook writes them down). */
function modulesLoaded(args: string[]): { status: number | null; stdout: string; urls: string[] } {
  const log = join(dir, `modules-${args.join('_').replace(/\W/g, '')}.txt`);
  writeFileSync(log, '');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';\nexport async function resolve(spec, ctx, next) { const r = await next(spec, ctx); appendFileSync(process.env.AIRA_TEST_MODULE_LOG, r.url + '\\n'); return r; }\n`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, AIRA, ...args], {
    encoding: 'utf8',
    env: { ...process.env, AIRA_TEST_MODULE_LOG: log },
  });
  return { status: r.status, stdout: r.stdout, urls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('aira loads only what a command uses', () => {
  it('--version loads no command and no package beyond core', () => {
    const r = modulesLoaded(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.urls.filter((u) => /\/commands\/(?!index\.js)/.test(u))).toEqual([]);
    expect(r.urls.some((u) => /\/packages\/(?!core|cli)/.test(u))).toBe(false);
  });

  it('grade loads grading, not the coordinator, gRPC, the worker or the agents', () => {
    const r = modulesLoaded(['grade', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--submission <file>/);
    expect(r.urls.some((u) => u.includes('/packages/grading/'))).toBe(true);
    for (const heavy of [
      '/packages/coordinator/',
      '/packages/worker/',
      '/packages/agents/',
      '/packages/protocol/',
      '@grpc',
      '/zod/',
      '/pino/',
    ]) {
      expect(
        r.urls.filter((u) => u.includes(heavy)),
        heavy,
      ).toEqual([]);
    }
  });

  it('--help still lists every command', () => {
    const r = spawnSync(process.execPath, [AIRA, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const c of [
      'worker',
      'exec',
      'competitions',
      'data',
      'run',
      'status',
      'stop',
      'grade',
      'report',
      'show',
      'ablate',
    ])
      expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });
});
