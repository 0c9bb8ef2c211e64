import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { UserError } from '@aira/core';
import { mlebenchRegistryDir } from '@aira/grading';
import { airaBin, manifestFor, md5, repoRoot, writeChecksumRegistry } from '@aira/testing';
import { register as registerCompetitions } from './competitions.js';
import { register as registerData } from './data.js';

const REPO = repoRoot();
// MLE-bench's registry (AIRA_MLEBENCH_DIR, else ../shared/mlebench): absent from a bare clone.
const registry = mlebenchRegistryDir();
const haveRegistry = registry !== null && existsSync(registry);
const tmp = mkdtempSync(join(tmpdir(), 'aira-cli-competitions-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const write = (rel: string, content: string) => {
  const p = join(tmp, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
};

/** Runs `aira <args>` in this process with the real command modules; output and exit code captured. */
async function aira(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const program = new Command('aira').exitOverride();
  registerCompetitions(program);
  registerData(program);
  process.exitCode = undefined;
  let code = 0;
  try {
    await program.parseAsync(['node', 'aira', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    err.push(`aira: ${e.message}`); // what main.ts prints for a UserError
    code = 2;
  } finally {
    process.exitCode = undefined;
    log.mockRestore();
    error.mockRestore();
  }
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const manifest = (id: string, over: Record<string, unknown> = {}) =>
  manifestFor(id, { name: `Outside ${id}`, ...over });
const GRADE_PY = 'import sys\nprint(1.0)\n';

describe('aira competitions', () => {
  it('list shows every competition, and the exact 30 of a suite', async () => {
    const all = await aira('competitions', 'list', '--json');
    expect(all.code).toBe(0);
    const ids = (
      JSON.parse(all.stdout) as { competitions: Array<{ id: string; plugin: string }> }
    ).competitions.filter((c) => c.plugin === 'mlebench');
    expect(ids).toHaveLength(54);

    const thirty = await aira('competitions', 'list', '--suite', 'mlebench-30');
    expect(thirty.code).toBe(0);
    const lines = thirty.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^suite mlebench-30 \(.*plugins\/mlebench\/suites\/mlebench-30\.yaml\): 30 competitions$/,
    );
    expect(lines[1]).toMatch(/^ID\s+PLUGIN\s+TASK\s+BETTER\s+SPLIT UNIT\s+LEAKS$/);
    expect(lines.slice(2)).toHaveLength(30);
    expect(thirty.stdout).toMatch(
      /^champs-scalar-coupling\s+mlebench\s+regression\s+lower\s+molecule_name\s+1$/m,
    );
  });

  it('loads a plugin from outside the repository with --plugin, and reports a broken one without losing the rest', async () => {
    write('outside/good-comp/manifest.json', JSON.stringify(manifest('good-comp'), null, 2));
    write('outside/good-comp/grade.py', GRADE_PY);
    const bad = write(
      'outside/bad-comp/manifest.json',
      JSON.stringify(manifest('bad-comp', { direction: 'sideways' }), null, 2),
    );
    write('outside/bad-comp/grade.py', GRADE_PY);
    const r = await aira('competitions', 'list', '--plugin', join(tmp, 'outside'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^good-comp\s+outside\s+binary-classification\s+higher\s+row\s+-$/m);
    expect(r.stdout).toMatch(/^spooky-author-identification\s+mlebench/m);
    expect(r.stdout).not.toContain('bad-comp');
    const line =
      readFileSync(bad, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('"direction"')) + 1;
    expect(r.stderr).toContain(
      `${bad}:${line}: direction: Invalid option: expected one of "higher-is-better"|"lower-is-better" (plugin outside)`,
    );
  });

  it('show prints the manifest, the medal thresholds and the data status with its prepare command', async () => {
    const r = await aira(
      'competitions',
      'show',
      'spooky-author-identification',
      '--data',
      join(tmp, 'no-data'),
    );
    expect(r.code).toBe(0);
    if (haveRegistry) {
      // Thresholds as docs/mlebench-grading.md §Medals lists them for spooky (1242 teams).
      expect(r.stdout).toMatch(
        /^leaderboard\s+1242 teams; gold 0\.16506, silver 0\.26996, bronze 0\.29381, median 0\.418785 \(lower is better\)$/m,
      );
    } else {
      console.warn(
        `aira competitions show: no MLE-bench registry at ${registry ?? '../shared/mlebench'} (set AIRA_MLEBENCH_DIR); the medal thresholds are not checked, only that the leaderboard is reported missing`,
      );
      expect(r.stdout).toMatch(
        /^leaderboard\s+missing: \S+\/spooky-author-identification\/leaderboard\.csv$/m,
      );
    }
    expect(r.stdout).toMatch(/^metric\s+multi-class log loss \(lower-is-better\)$/m);
    expect(r.stdout).toMatch(/^data\s+missing: no prepared data at /m);
    expect(r.stdout).toContain(
      `mlebench prepare -c spooky-author-identification --data-dir ${join(tmp, 'no-data')}`,
    );
    const unknown = await aira('competitions', 'show', 'no-such-competition');
    expect(unknown).toMatchObject({
      code: 2,
      stderr: 'aira: unknown competition "no-such-competition": no loaded plugin defines it',
    });
  });

  it('validate exits 1 with the file and each bad field (with its line), and 0 for a valid plugin', async () => {
    const file = write(
      'validate/one/manifest.json',
      JSON.stringify(
        manifest('one', {
          split: {
            method: 'builtin',
            labelled: 'train.csv',
            id: ['id'],
            label: ['label'],
            unit: { by: 'row' },
          },
          extra: true,
        }),
        null,
        2,
      ),
    );
    write('validate/one/grade.py', GRADE_PY);
    const r = await aira('competitions', 'validate', join(tmp, 'validate/one'));
    expect(r.code).toBe(1);
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
    expect(r.stderr.split('\n')).toEqual([
      `✖ ${file}: invalid`,
      `  ✖ split.labelled (line ${at('"labelled": "train.csv"')}): must start with "public/" (paths are relative to <data>/<id>/prepared/)`,
      `  ✖ extra (line ${at('"extra"')}): unknown field (misspelt, or not part of the manifest)`,
    ]);
    const good = await aira('competitions', 'validate', join(REPO, 'plugins/mlebench'));
    expect(good).toMatchObject({ code: 0, stderr: '' });
    expect(good.stdout).toMatch(/^✓ 54 competitions valid: aerial-cactus-identification, /);
  });

  it('new scaffolds a plugin that validates', async () => {
    const dir = join(tmp, 'scaffolds', 'my-new-comp');
    const r = await aira('competitions', 'new', 'my-new-comp', '--dir', dir);
    expect(r.code).toBe(0);
    // In this process vitest loads the plugin's TypeScript, resolving packages from the plugin's folder up.
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
    for (const f of ['manifest.json', 'index.ts', 'index.test.ts', 'vitest.config.ts', 'README.md'])
      expect(existsSync(join(dir, f)), f).toBe(true);
    expect(await aira('competitions', 'validate', dir)).toMatchObject({
      code: 0,
      stdout: '✓ 1 competition valid: my-new-comp',
    });
    expect(await aira('competitions', 'new', 'my-new-comp', '--dir', dir)).toMatchObject({
      code: 2,
      stderr: `aira: ${dir} already exists and is not empty; choose another --dir`,
    });
  });
});

describe('aira data check', () => {
  // A synthetic registry and data folder made here: MLE-bench's real MD5s cannot be matched by made-up files.
  const files: Record<string, Record<string, string>> = {
    'spaceship-titanic': {
      'public/train.csv': 'PassengerId,Transported\n0001_01,True\n',
      'public/test.csv': 'PassengerId\n0002_01\n',
      'public/sample_submission.csv': 'PassengerId,Transported\n0002_01,False\n',
      'private/test.csv': 'PassengerId,Transported\n0002_01,True\n',
    },
    'tabular-playground-series-dec-2021': {
      'public/train.csv': 'Id,Cover_Type\n1,2\n',
      'public/test.csv': 'Id\n2\n',
      'public/sample_submission.csv': 'Id,Cover_Type\n2,2\n',
      'private/test.csv': 'Id,Cover_Type\n2,1\n',
    },
    'leaf-classification': {
      'public/train.csv': 'id,species\n1,Acer\n',
      'private/test.csv': 'id,Acer\n2,1\n',
    },
  };

  it('tells per competition: ok, wrong checksum, missing; prints the exact mlebench prepare commands; exit 1', async () => {
    writeChecksumRegistry(join(tmp, 'registry'), files);
    for (const [p, c] of Object.entries(files['spaceship-titanic']!))
      write(`data/spaceship-titanic/prepared/${p}`, c);
    for (const [p, c] of Object.entries(files['tabular-playground-series-dec-2021']!))
      write(`data/tabular-playground-series-dec-2021/prepared/${p}`, c);
    write('data/tabular-playground-series-dec-2021/prepared/private/test.csv', 'Id,Cover_Type\n2,7\n');
    const suite = write(
      'check-suite.yaml',
      'competitions: [spaceship-titanic, tabular-playground-series-dec-2021, leaf-classification]\n',
    );
    const data = join(tmp, 'data');

    const r = await aira(
      'data',
      'check',
      '--suite',
      suite,
      '--data',
      data,
      '--registry',
      join(tmp, 'registry'),
    );
    expect(r.code).toBe(1);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe(`data: ${data}`);
    expect(out[2]).toMatch(/^spaceship-titanic\s+ok\s+4 files match MLE-bench's checksums$/);
    expect(out[3]).toMatch(
      new RegExp(
        `^tabular-playground-series-dec-2021\\s+mismatch\\s+private/test\\.csv md5 ${md5('Id,Cover_Type\n2,7\n')} ≠ ${md5('Id,Cover_Type\n2,1\n')}$`,
      ),
    );
    expect(out[4]).toMatch(/^leaf-classification\s+missing\s+no prepared data at /);
    expect(out[5]).toBe('1 ok, 1 missing, 1 mismatch');
    expect(out.slice(6)).toEqual([
      'to prepare what is missing or wrong:',
      `  rm -rf ${join(data, 'tabular-playground-series-dec-2021', 'prepared')} && mlebench prepare -c tabular-playground-series-dec-2021 --data-dir ${data}`,
      `  mlebench prepare -c leaf-classification --data-dir ${data}`,
    ]);

    const json = await aira(
      'data',
      'check',
      'spaceship-titanic',
      '--data',
      data,
      '--registry',
      join(tmp, 'registry'),
      '--json',
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).competitions).toEqual([
      expect.objectContaining({ id: 'spaceship-titanic', state: 'ok', checked: 4 }),
    ]);
    expect(await aira('data', 'check')).toMatchObject({
      code: 2,
      stderr: 'aira: name a suite (--suite mlebench-30) or competition ids',
    });
  });
});

describe('the built aira binary (plain Node, no TypeScript loader)', () => {
  const bin = airaBin();
  // Spawned processes run dist/; `npm test` builds first (tools/bootstrap.mjs).
  it.skipIf(!existsSync(join(REPO, 'packages/cli/dist/commands/competitions.js')))(
    'validates and lists a TypeScript plugin kept outside the repository',
    () => {
      const dir = join(tmp, 'ts-outside', 'ts-comp');
      const made = spawnSync(process.execPath, [bin, 'competitions', 'new', 'ts-comp', '--dir', dir], {
        encoding: 'utf8',
      });
      expect(made.status, made.stderr).toBe(0);
      const v = spawnSync(process.execPath, [bin, 'competitions', 'validate', dir], { encoding: 'utf8' });
      expect(v.stdout.trim(), v.stderr).toBe('✓ 1 competition valid: ts-comp');
      expect(v.status).toBe(0);
      const l = spawnSync(process.execPath, [bin, 'competitions', 'list', '--plugin', dir, '--json'], {
        encoding: 'utf8',
      });
      expect(l.status, l.stderr).toBe(0);
      expect(JSON.parse(l.stdout).competitions).toContainEqual(
        expect.objectContaining({ id: 'ts-comp', plugin: 'ts-comp' }),
      );
    },
  );
});
