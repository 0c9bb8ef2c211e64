import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airaBin, spawnWorkerProcess, type SpawnedWorker } from '@aira/testing';

let w: SpawnedWorker;
beforeAll(async () => {
  w = await spawnWorkerProcess({ args: ['--log-level', 'warn'] });
});
afterAll(async () => {
  await w?.stop();
});

/** Runs the built `aira` CLI and collects what it prints; onStdout may act on the output as it comes. */
function aira(
  args: string[],
  onStdout?: (text: string, child: ChildProcess) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [airaBin(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('aira exec', () => {
  it('streams stdout and stderr apart and exits with the remote exit code', async () => {
    const r = await aira([
      'exec',
      '--worker',
      w.address,
      '--token-file',
      w.tokenFile,
      '--',
      'echo out; echo err >&2; exit 7',
    ]);
    expect(r).toEqual({ code: 7, stdout: 'out\n', stderr: 'err\n' });
    const ok = await aira([
      'exec',
      '--worker',
      w.address,
      '--token-file',
      w.tokenFile,
      '--',
      'seq',
      '1',
      '3',
    ]);
    expect(ok).toMatchObject({ code: 0, stdout: '1\n2\n3\n' });
  });

  it('passes several words after -- as an argv, exactly as typed; one word is a shell line', async () => {
    const base = ['exec', '--worker', w.address, '--token-file', w.tokenFile, '--'];
    expect(await aira([...base, 'sh', '-c', 'exit 7'])).toMatchObject({ code: 7, stdout: '' });
    expect(await aira([...base, 'python3', '-c', 'print("hi")'])).toMatchObject({
      code: 0,
      stdout: 'hi\n',
      stderr: '',
    });
    expect(await aira([...base, 'printf', '[%s]\\n', 'a b', '$HOME', "it's", ''])).toMatchObject({
      code: 0,
      stdout: "[a b]\n[$HOME]\n[it's]\n[]\n",
    });
    expect(await aira([...base, 'echo one | tr a-z A-Z; exit 3'])).toMatchObject({
      code: 3,
      stdout: 'ONE\n',
    });
  });

  it('takes a timeout that is not a whole number of milliseconds', async () => {
    const r = await aira([
      'exec',
      '--worker',
      w.address,
      '--token-file',
      w.tokenFile,
      '--timeout',
      '2999.5ms',
      '--',
      'echo',
      'ran',
    ]);
    expect(r).toMatchObject({ code: 0, stdout: 'ran\n', stderr: '' });
  });

  it('runs Python code with --python', async () => {
    const r = await aira([
      'exec',
      '--worker',
      w.address,
      '--token-file',
      w.tokenFile,
      '--python',
      '--',
      'import math; print(math.factorial(5))',
    ]);
    expect(r).toMatchObject({ code: 0, stdout: '120\n' });
    const err = await aira([
      'exec',
      '--worker',
      w.address,
      '--token-file',
      w.tokenFile,
      '--python',
      '--',
      'raise ValueError("bad")',
    ]);
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/ValueError: bad/);
  });

  it('cancels the remote command on Ctrl-C (SIGINT) and exits 130; a timeout exits 124', async () => {
    let sent = false;
    const r = await aira(
      [
        'exec',
        '--worker',
        w.address,
        '--token-file',
        w.tokenFile,
        '--',
        'echo started; sleep 30; echo never',
      ],
      (out, child) => {
        if (!sent && out.includes('started')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    );
    expect(r).toMatchObject({ code: 130, stdout: 'started\n' });
    expect(r.stderr).toMatch(/ended: cancelled/);
    const t = await aira([
      'exec',
      '--worker',
      w.address,
      '--token-file',
      w.tokenFile,
      '--timeout',
      '300ms',
      '--',
      'sleep 30',
    ]);
    expect(t.code).toBe(124);
    expect(t.stderr).toMatch(/ended: timeout/);
  });

  it('refuses a wrong token with one line and a non-zero exit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aira-exec-'));
    const wrong = join(dir, 'token');
    writeFileSync(wrong, 'not-the-token\n');
    const r = await aira([
      'exec',
      '--worker',
      w.address,
      '--token-file',
      wrong,
      '--',
      `touch ${join(dir, 'ran')}`,
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^aira: worker .* refused the token/);
  });

  it('says in one line when the worker is unreachable, the token file is missing or a flag is bad', async () => {
    // A port nobody listens on: bound and closed again.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const cases = [
      [
        [
          'exec',
          '--worker',
          `127.0.0.1:${port}`,
          '--token-file',
          w.tokenFile,
          '--connect-timeout',
          '1s',
          '--',
          'true',
        ],
        /unreachable/,
      ],
      [
        ['exec', '--worker', w.address, '--token-file', '/nonexistent/token', '--', 'true'],
        /cannot read token file \/nonexistent\/token/,
      ],
      [
        ['exec', '--worker', 'no-port', '--token-file', w.tokenFile, '--', 'true'],
        /--worker "no-port": expected HOST:PORT/,
      ],
    ] as const;
    for (const [args, message] of cases) {
      const r = await aira([...args]);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('aira worker', () => {
  it('lists every flag in --help', async () => {
    const r = await aira(['worker', '--help']);
    for (const flag of [
      '--gpu',
      '--listen',
      '--token-file',
      '--workdir',
      '--python',
      '--grace',
      '--log-file',
    ])
      expect(r.stdout).toContain(flag);
  });

  it('refuses bad flags with one line naming the flag', async () => {
    const cases = [
      [['worker', '--listen', 'localhost'], /^aira: --listen "localhost": expected HOST:PORT/],
      [['worker', '--grace', 'soon'], /^aira: --grace "soon": not a duration/],
      [
        ['worker', '--python', '/nonexistent/python3'],
        /^aira: --python: python \/nonexistent\/python3 does not run/,
      ],
    ] as const;
    for (const [args, message] of cases) {
      const r = await aira([...args]);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});
