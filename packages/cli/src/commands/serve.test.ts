import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSyntheticStudy, populate } from '@aira/dashboard';
import { afterAll, describe, expect, it } from 'vitest';

/** `aira serve` as a user types it, through the built CLI. */

const AIRA = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/aira.js');
const dir = mkdtempSync(join(tmpdir(), 'aira-serve-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aira serve', () => {
  it('prints the URL first with --port 0, serves the runs folder, and stops cleanly on Ctrl-C', async () => {
    const runs = join(dir, 'runs');
    const {
      runs: [run],
    } = createSyntheticStudy(runs, { studyId: '20260103-000000-cli', competitions: ['toy'] });
    populate(run!, 4);
    const child = spawn(process.execPath, [AIRA, 'serve', runs, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const firstLine = await new Promise<string>((ok, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('\n')) ok(stdout.split('\n')[0]!);
      });
      child.on('exit', (code) => fail(new Error(`aira serve exited with ${code}: ${stderr}`)));
    });
    expect(firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(`${firstLine}api/studies`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { studies: Array<{ id: string }> }).studies.map((s) => s.id)).toEqual([
      '20260103-000000-cli',
    ]);
    const code = await new Promise<number | null>((ok) => {
      child.on('exit', ok);
      child.kill('SIGINT');
    });
    expect(code).toBe(0);
  }, 60_000);

  it('refuses a non-loopback host without a token file, and a missing folder, each in one line', () => {
    const r = spawnSync(process.execPath, [AIRA, 'serve', dir, '--host', '0.0.0.0', '--port', '0'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--host 0\.0\.0\.0 is not a loopback address: a token is required/);
    const missing = spawnSync(process.execPath, [AIRA, 'serve', join(dir, 'nope')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/runs folder .*nope does not exist/);
    writeFileSync(join(dir, 'empty-token'), '\n');
    const empty = spawnSync(
      process.execPath,
      [AIRA, 'serve', dir, '--host', '0.0.0.0', '--token-file', join(dir, 'empty-token')],
      { encoding: 'utf8' },
    );
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/token file .*empty-token is empty/);
  }, 60_000);
});
