import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AIRA, airaSync, tempRoot } from '../test-support/cli.js';

/** `--help` as a new user reads it; --plugin for a plugin outside the repository; progress lines. */

const t = tempRoot('aira-help-');
afterAll(() => t.cleanup());

describe('aira --help', () => {
  it('has examples, shows every default one way, and lists the agents with the default', () => {
    const top = airaSync(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toContain('Examples:\n  aira run --suite mini');
    const run = airaSync(['run', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('Durations need a unit: 90s, 10m, 72h, 1h30m, 250ms.');
    const flat = run.stdout.replace(/\s+/g, ' ');
    expect(flat).toMatch(
      /--agent <name> what drives each job: script, template, react, operators \(default: template, LLM-free;/,
    );
    expect(flat).toMatch(
      /--budget <duration> global wall clock of active time, e\.g\. 90s, 10m, 72h \(default: 72h0m\)/,
    );
    for (const cmd of [['run'], ['worker'], ['stop'], ['status'], ['grade']]) {
      const h = airaSync([...cmd, '--help']).stdout.replace(/\s+/g, ' ');
      expect(h, cmd.join(' ')).not.toMatch(/default: "|; default|\(default [^:]/);
    }
  });
});

describe('aira run --plugin', () => {
  it('loads a plugin from a folder outside the repository (unknown without it); its README test command works there', () => {
    const dir = join(t.dir, 'my-comp');
    const made = airaSync(['competitions', 'new', 'my-comp', '--dir', dir]);
    expect(made.status, made.stderr).toBe(0);
    const without = airaSync(['run', '--competition', 'my-comp', '--print-config']);
    expect(without.status).toBe(2);
    expect(without.stderr).toMatch(/unknown competition "my-comp"/);
    const withIt = airaSync([
      'run',
      '--plugin',
      dir,
      '--competition',
      'my-comp',
      '--data',
      join(t.dir, 'data'),
      '--print-config',
    ]);
    expect(withIt.status, withIt.stderr).toBe(0);
    expect(withIt.stdout).toMatch(/competitions\s+\["my-comp"\]\s+flag --competition/);
    // The scaffold's README gives a test command that runs the plugin's own test from out here:
    // it runs, and fails as it should until grade() is written.
    const readme = readFileSync(join(dir, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(
      'AIRA_PLUGIN_DIR=/path/to/this/folder npx vitest run --config tools/plugin-vitest.config.mjs',
    );
    const repo = resolve(dirname(AIRA), '../../..');
    const vitest = spawnSync('npx', ['vitest', 'run', '--config', 'tools/plugin-vitest.config.mjs'], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, AIRA_PLUGIN_DIR: dir },
      timeout: 120_000,
    });
    // eslint-disable-next-line no-control-regex -- strips ANSI colour codes, which start with ESC
    const text = `${vitest.stdout}${vitest.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
    expect(text).toMatch(/index\.test\.ts/);
    expect(text).toMatch(/my-comp grades a submission end to end/);
    expect(text).toContain('grade() is not written yet');
    expect(text).toMatch(/Tests\s+1 failed/);
    expect(text).not.toMatch(/Cannot find (module|package)|Failed to (load|resolve)/);
  }, 180_000);
});

describe('progress lines', () => {
  it("show a failure's first line and its last (the exception), uncut", () => {
    const script = join(t.dir, 'fail.py');
    const exception =
      "ValueError: Metric 'cosine' not valid for the tree (kd_tree) [see sklearn.neighbors.VALID_METRICS['kd_tree']] and more words to go past a hundred characters";
    writeFileSync(script, `raise ValueError(${JSON.stringify(exception.slice('ValueError: '.length))})\n`);
    const r = airaSync([
      'run',
      '--workers',
      'local:1',
      '--script',
      script,
      '--max-jobs',
      '1',
      '--out',
      join(t.dir, 'runs'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    const line = r.stderr.split('\n').find((l) => / c0001 draft on /.test(l))!;
    expect(line).toMatch(/: invalid: .*exited with code 1.* — /);
    expect(line.endsWith(exception)).toBe(true);
  }, 120_000);
});
