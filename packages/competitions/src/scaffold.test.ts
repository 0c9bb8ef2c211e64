import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRegistry } from './registry.js';
import { scaffoldFiles, writeScaffold } from './scaffold.js';
import { fileTempDir as tempDir, repoRoot } from '@aira/testing';

const REPO_ROOT = repoRoot();

/** What an author writes into the scaffold's index.ts: RMSE over ids, refusing missing ones. */
const FILLED_GRADE = `export async function grade({ submission, answers }: GradeInput): Promise<number> {
  const sub = await readCsv(submission);
  const ans = await readCsv(answers);
  if (!sub.columns.includes('id') || !sub.columns.includes('target')) throw new Error('submission needs columns id, target');
  const pred = new Map(sub.rows.map((r) => [r.id, Number(r.target)]));
  let squared = 0;
  for (const row of ans.rows) {
    const p = pred.get(row.id);
    if (p === undefined || !Number.isFinite(p)) throw new Error(\`no numeric prediction for id \${row.id}\`);
    squared += (p - Number(row.target)) ** 2;
  }
  return Math.sqrt(squared / ans.rows.length);
}
`;

/** Runs the plugin's own test file with vitest in a separate process, as its author would. */
function runPluginTest(dir: string): { status: number | null; output: string } {
  const r = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir],
    {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
    },
  );
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe('aira competitions new (scaffold)', () => {
  it('refuses an id that is not a slug and a folder that is not empty', () => {
    expect(() => scaffoldFiles('no spaces')).toThrow(/competition id "no spaces"/);
    const t = tempDir('scaffold-exists');
    t.write('taken/file.txt', 'x');
    expect(() => writeScaffold(join(t.dir, 'taken'), scaffoldFiles('x'))).toThrow(
      /already exists and is not empty/,
    );
  });

  it('validates as written, its test fails until filled in, and once filled it grades a submission end to end', async () => {
    const t = tempDir('scaffold');
    const dir = join(t.dir, 'house-prices');
    writeScaffold(dir, scaffoldFiles('house-prices', 'House Prices'));
    // Outside the repository, so the plugin reaches aira's packages through its own node_modules.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));

    const fresh = await loadRegistry({ pluginsDir: false, suitesDir: false, plugins: [dir] });
    expect(fresh.problems).toEqual([]);
    expect(fresh.get('house-prices').manifest).toMatchObject({
      name: 'House Prices',
      grader: { kind: 'code', export: 'grade' },
    });

    const data = join(t.dir, 'data');
    t.write('data/house-prices/prepared/private/test.csv', 'id,target\nh1,100\nh2,250\nh3,175\nh4,90\n');
    const sub = t.write('submission.csv', 'id,target\nh1,110\nh2,240\nh3,175\nh4,90\n');
    const unfilled = await fresh.create('house-prices', { dataDir: data }).grade(sub);
    expect(unfilled).toEqual({
      score: null,
      valid: false,
      error: 'grade() is not written yet: compute the metric in index.ts',
    });

    const before = runPluginTest(dir);
    expect(before.status, before.output).toBe(1);
    expect(before.output).toContain('house-prices grades a submission end to end');

    const index = join(dir, 'index.ts');
    const source = readFileSync(index, 'utf8');
    writeFileSync(index, source.slice(0, source.indexOf('export async function grade')) + FILLED_GRADE);

    const after = runPluginTest(dir);
    expect(after.status, after.output).toBe(0);

    const filled = await loadRegistry({ pluginsDir: false, suitesDir: false, plugins: [dir] });
    const competition = filled.create('house-prices', { dataDir: data });
    // RMSE of errors (10, -10, 0, 0) = sqrt(200 / 4) = 7.0710678…, rounded to 5 decimals as MLE-bench does.
    expect(await competition.grade(sub)).toEqual({ score: 7.07107, valid: true });
    const partial = t.write('partial.csv', 'id,target\nh1,110\n');
    expect(await competition.grade(partial)).toEqual({
      score: null,
      valid: false,
      error: 'no numeric prediction for id h2',
    });
    expect(await competition.grade(join(t.dir, 'absent.csv'))).toMatchObject({ score: null, valid: false });
  });

  // The generator loads the built package (dist/), which `npm test` builds first (tools/bootstrap.mjs).
  it.skipIf(!existsSync(join(REPO_ROOT, 'packages/competitions/dist/index.js')))(
    'is also an Nx generator producing the same files',
    () => {
      const r = spawnSync(
        process.execPath,
        [
          join(REPO_ROOT, 'node_modules/nx/dist/bin/nx.js'),
          'g',
          '@aira/competitions:competition',
          'gen-probe',
          '--dry-run',
          '--no-interactive',
        ],
        {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          timeout: 120_000,
          env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NO_COLOR: '1' },
        },
      );
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      const created = [...r.stdout.matchAll(/^CREATE (\S+)/gm)].map((m) => m[1]).sort();
      expect(created).toEqual(
        Object.keys(scaffoldFiles('gen-probe'))
          .map((f) => `plugins/gen-probe/${f}`)
          .sort(),
      );
      expect(existsSync(join(REPO_ROOT, 'plugins/gen-probe'))).toBe(false);
    },
  );
});
