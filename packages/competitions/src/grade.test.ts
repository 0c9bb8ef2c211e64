import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRegistryDir } from './mlebench-registry.js';
import { loadRegistry } from './registry.js';
import { ACCURACY_PY, fileTempDir as tempDir, manifestFor, repoRoot } from '@aira/testing';

const REPO_ROOT = repoRoot();

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
const registryDir = defaultRegistryDir();
const haveRegistry = existsSync(join(registryDir, 'competitions.json'));

describe('a Python grader run as a subprocess', () => {
  it('scores, rounds to 5 decimals, and turns every failure of the script into an invalid submission', async () => {
    const t = tempDir('python-grader');
    t.write('p/acc/manifest.json', json(manifestFor('acc')));
    t.write('p/acc/grade.py', ACCURACY_PY);
    t.write('p/crash/manifest.json', json(manifestFor('crash')));
    t.write(
      'p/crash/grade.py',
      'import sys\nsys.stderr.write("Traceback...\\nValueError: column label is missing\\n")\nsys.exit(3)\n',
    );
    t.write(
      'p/slow/manifest.json',
      json(manifestFor('slow', { grader: { kind: 'python', script: 'grade.py', timeout: '300ms' } })),
    );
    t.write('p/slow/grade.py', 'import time\ntime.sleep(30)\n');
    t.write('p/silent/manifest.json', json(manifestFor('silent')));
    t.write('p/silent/grade.py', 'print("done")\n');
    for (const id of ['acc', 'crash', 'slow', 'silent'])
      t.write(`data/${id}/prepared/private/test.csv`, 'id,label\n1,a\n2,b\n3,c\n');
    const reg = await loadRegistry({ pluginsDir: join(t.dir, 'p'), suitesDir: false });
    expect(reg.problems).toEqual([]);
    const dataDir = join(t.dir, 'data');
    const sub = t.write('sub.csv', 'id,label\n1,a\n2,b\n3,x\n');

    expect(await reg.create('acc', { dataDir }).grade(sub)).toEqual({ score: 0.66667, valid: true });
    const other = t.write('other.csv', 'id,label\n1,a\n9,b\n3,c\n');
    expect(await reg.create('acc', { dataDir }).grade(other)).toEqual({
      score: null,
      valid: false,
      error: 'ids differ from the answers',
    });
    expect(await reg.create('crash', { dataDir }).grade(sub)).toEqual({
      score: null,
      valid: false,
      error: 'ValueError: column label is missing',
    });
    const slow = await reg.create('slow', { dataDir }).grade(sub);
    expect(slow).toMatchObject({ score: null, valid: false });
    expect(slow.error).toMatch(/took longer than 300 ms/);
    expect((await reg.create('silent', { dataDir }).grade(sub)).error).toMatch(
      /printed no score \(last line: "done"\)/,
    );
    // Answers that are not there are the operator's problem, not the submission's.
    await expect(reg.create('acc', { dataDir: join(t.dir, 'elsewhere') }).grade(sub)).rejects.toThrow(
      /no answers at .*elsewhere\/acc\/prepared\/private\/test\.csv/,
    );
    // Another answers file (an HCE hidden part) is graded the same way.
    const hidden = t.write('hidden/search.csv', 'id,label\n1,a\n2,b\n3,x\n');
    expect(await reg.create('acc', { dataDir }).grade(sub, hidden)).toEqual({ score: 1, valid: true });
  });
});

describe.skipIf(!haveRegistry)('built-in graders and leaderboards (MLE-bench registry)', () => {
  it('grades an MLE-bench competition with @aira/grading, by id', async () => {
    const t = tempDir('builtin');
    t.write(
      'data/spaceship-titanic/prepared/private/test.csv',
      'PassengerId,HomePlanet,Transported\n0001_01,Earth,True\n0002_01,Mars,False\n0003_01,Earth,True\n0004_01,Europa,False\n',
    );
    const reg = await loadRegistry({
      pluginsDir: false,
      suitesDir: false,
      plugins: [join(REPO_ROOT, 'plugins', 'mlebench')],
    });
    const c = reg.create('spaceship-titanic', { dataDir: join(t.dir, 'data') });
    const sub = t.write(
      'submission.csv',
      'PassengerId,Transported\n0001_01,True\n0002_01,True\n0003_01,True\n0004_01,False\n',
    );
    expect(await c.grade(sub)).toEqual({ score: 0.75, valid: true });
    const short = t.write('short.csv', 'PassengerId,Transported\n0001_01,True\n');
    expect(await c.grade(short)).toMatchObject({ score: null, valid: false });
    const notCsv = t.write('submission.txt', 'PassengerId,Transported\n');
    expect((await c.grade(notCsv)).error).toMatch(/must be a \.csv/);
  });

  it('reads each leaderboard: thresholds equal competitions.json and the direction equals the manifest', async () => {
    const reg = await loadRegistry({
      pluginsDir: false,
      suitesDir: false,
      plugins: [join(REPO_ROOT, 'plugins', 'mlebench')],
    });
    const entries = new Map(
      (
        JSON.parse(readFileSync(join(registryDir, 'competitions.json'), 'utf8')) as Array<{
          id: string;
          teams: number;
          medalThresholds: Record<string, number>;
        }>
      ).map((e) => [e.id, e]),
    );
    for (const f of reg.factories) {
      const c = f.create({ registryDir });
      const t = c.thresholds()!;
      const e = entries.get(f.id)!;
      expect({ teams: t.teams, gold: t.gold, silver: t.silver, bronze: t.bronze }, f.id).toEqual({
        teams: e.teams,
        gold: e.medalThresholds.gold,
        silver: e.medalThresholds.silver,
        bronze: e.medalThresholds.bronze,
      });
      expect(t.median, f.id).toBeCloseTo(e.medalThresholds.median!, 9);
      expect(t.lowerIsBetter ? 'lower-is-better' : 'higher-is-better', f.id).toBe(f.manifest.direction);
    }
    // docs/mlebench-grading.md §Medals: spaceship-titanic gold 0.82066, bronze 0.80967, median 0.79565.
    const c = reg.create('spaceship-titanic', { registryDir });
    expect(c.rank(0.82066)).toMatchObject({ gold_medal: true, any_medal: true, above_median: true });
    expect(c.rank(0.81)).toMatchObject({ gold_medal: false, silver_medal: false, bronze_medal: true });
    expect(c.rank(0.79565)).toMatchObject({ any_medal: false, above_median: false });
    expect(c.rank(null)).toMatchObject({ any_medal: false, percentile_rank: 0 });
    expect(c.rank(1)!.percentile_rank).toBe(100);
    expect(
      reg.create('ventilator-pressure-prediction', { registryDir }).rank(0.2)!.approximate_leaderboard,
    ).toBe(true);
  });
});
