import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** The built CLI (tests run after `tsc -b`, as `npm test` does). */
const AIRA = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/aira.js');
const root = mkdtempSync(join(tmpdir(), 'aira-data-synth-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const aira = (...args: string[]) =>
  spawnSync(process.execPath, [AIRA, ...args], { encoding: 'utf8', cwd: root });

describe('aira data synth', () => {
  it('writes what it can, names what it cannot, and says how to run on it', () => {
    const r = aira(
      'data',
      'synth',
      '--competition',
      'spooky-author-identification,no-such-competition',
      '--out',
      'synth data',
      '--size',
      '12',
      '--seed',
      '3',
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /^spooky-author-identification\s+written\s+synth data\/spooky-author-identification\/prepared$/m,
    );
    expect(r.stdout).toMatch(/^no-such-competition\s+unknown\s+/m);
    expect(r.stdout).toContain('1 of 2 written (seed 3, size 12); this data is invented');
    expect(r.stdout).toContain(
      `next: AIRA_MLEBENCH_DATA=${join(root, 'synth data')} aira run --competition spooky-author-identification`,
    );
    expect(
      readFileSync(
        join(root, 'synth data', 'spooky-author-identification', 'prepared', 'public', 'train.csv'),
        'utf8',
      ).split('\n')[0],
    ).toBe('id,text,author');
  }, 120_000);

  it('fails in one line on a missing --out, no competition, a bad number or an unknown suite', () => {
    for (const [args, message] of [
      [['--competition', 'spooky-author-identification'], /^aira: data synth: --out DIR is required/],
      [['--out', 'x'], /^aira: data synth: name competitions \(--competition ID\) or a suite/],
      [
        ['--competition', 'spooky-author-identification', '--out', 'x', '--size', '5'],
        /^aira: data synth: --size must be a whole number of at least 10, got "5"/,
      ],
      [
        ['--competition', 'spooky-author-identification', '--out', 'x', '--seed', '1.5'],
        /^aira: data synth: --seed must be a whole number of at least 0, got "1\.5"/,
      ],
      [['--suite', 'no-such-suite', '--out', 'x'], /^aira: unknown suite "no-such-suite"/],
    ] as const) {
      const r = aira('data', 'synth', ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  }, 180_000);

  it('never writes over prepared data it did not write', () => {
    const prepared = join(root, 'real', 'aptos2019-blindness-detection', 'prepared', 'public');
    mkdirSync(prepared, { recursive: true });
    writeFileSync(join(prepared, 'train.csv'), 'id_code,diagnosis\nreal,1\n');
    const r = aira(
      'data',
      'synth',
      '--competition',
      'aptos2019-blindness-detection',
      '--out',
      join(root, 'real'),
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /failed\s+.*prepared exists and was not written by aira's synthetic-data writer .*refusing to overwrite it/,
    );
    expect(readFileSync(join(prepared, 'train.csv'), 'utf8')).toBe('id_code,diagnosis\nreal,1\n');
    expect(existsSync(join(prepared, 'test.csv'))).toBe(false);
  }, 120_000);
});
