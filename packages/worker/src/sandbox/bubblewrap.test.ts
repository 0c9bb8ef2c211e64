import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bubblewrapArgv,
  decideSandbox,
  probeBubblewrap,
  SandboxUnavailableError,
  type SandboxSpec,
} from './bubblewrap.js';
import { resolvePython, minimalRoots } from './python.js';

const probe = probeBubblewrap();
const tmp = mkdtempSync(join(tmpdir(), 'aira-bwrap-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('sandbox mode', () => {
  const missing = () => ({
    usable: false,
    path: null,
    version: null,
    disableUserns: false,
    reason: 'bwrap is not installed',
  });
  it('required refuses to start without bubblewrap', () => {
    expect(() => decideSandbox('required', missing)).toThrow(SandboxUnavailableError);
    expect(() => decideSandbox('required', missing)).toThrow('--sandbox required but bwrap is not installed');
  });
  it('auto falls back with one loud warning; off says it is off', () => {
    const d = decideSandbox('auto', missing);
    expect(d.protection).toBe('none');
    expect(d.warning).toMatch(/WITHOUT a sandbox/);
    expect(decideSandbox('off').warning).toMatch(/^--sandbox off/);
  });
  it('a bwrap that is not there is reported as such', () => {
    expect(probeBubblewrap({ bwrap: '/nonexistent/bwrap' })).toMatchObject({
      usable: false,
      reason: 'bwrap is not installed',
    });
  });
});

// Real sandboxes on this machine; without a usable bwrap there is nothing to contain with.
describe.skipIf(!probe.usable)(
  `bubblewrap containment (skipped when bwrap cannot run here: ${probe.reason ?? 'usable'})`,
  () => {
    const workdir = join(tmp, 'workdir');
    const session = join(workdir, 'sessions', 's1');
    const outside = join(tmp, 'outside');
    const shared = join(tmp, 'shared');
    let listener: Server;
    let port = 0;

    beforeAll(async () => {
      for (const d of ['data', 'work', 'submission']) mkdirSync(join(session, d), { recursive: true });
      mkdirSync(join(workdir, 'sessions', 's2', 'work'), { recursive: true });
      writeFileSync(join(workdir, 'token'), 'SECRET-TOKEN');
      writeFileSync(join(workdir, 'sessions', 's2', 'work', 'other.txt'), 'OTHER-SESSION');
      writeFileSync(join(session, 'data', 'train.csv'), 'a,b\n');
      mkdirSync(outside, { recursive: true });
      writeFileSync(join(outside, 'private.csv'), 'ANSWERS');
      mkdirSync(shared, { recursive: true });
      writeFileSync(join(shared, 'shared.csv'), 'SHARED');
      listener = createServer((s) => s.end('HELLO')).listen(0, '127.0.0.1');
      await new Promise((r) => listener.once('listening', r));
      port = (listener.address() as { port: number }).port;
    });
    afterAll(() => listener?.close());

    const spec = (extra: Partial<SandboxSpec> = {}): SandboxSpec => ({
      bwrap: probe.path!,
      disableUserns: probe.disableUserns,
      protect: [workdir],
      chdir: join(session, 'work'),
      binds: [
        { src: join(session, 'data'), mode: 'ro' },
        { src: join(session, 'work'), mode: 'rw' },
        { src: join(session, 'submission'), mode: 'rw' },
      ],
      ...extra,
    });
    const run = (script: string, s = spec()) => {
      const argv = bubblewrapArgv(s, ['/bin/bash', '-c', script]);
      return spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000 });
    };

    it('sees its own folders: data read-only, work and submission writable, a private /tmp', () => {
      const r = run(
        'cat ../data/train.csv; echo x > out.txt && echo wrote; echo y > ../data/new 2>/dev/null || echo data-ro; echo t > /tmp/t && echo tmp-ok; pwd',
      );
      expect(r.stdout).toBe(`a,b\nwrote\ndata-ro\ntmp-ok\n${join(session, 'work')}\n`);
      expect(readFileSync(join(session, 'work', 'out.txt'), 'utf8')).toBe('x\n');
    });

    it("cannot read the worker's token, other sessions, folders outside, or /etc/shadow", () => {
      const r = run(
        `for f in ${join(workdir, 'token')} ${join(workdir, 'sessions/s2/work/other.txt')} ${join(outside, 'private.csv')} /etc/shadow; do cat $f 2>/dev/null && echo "READ $f"; done; ls ${workdir}; echo done`,
      );
      expect(r.stdout).not.toMatch(/SECRET-TOKEN|OTHER-SESSION|ANSWERS|READ/);
      expect(r.stdout).toBe('sessions\ndone\n');
    });

    it('cannot connect to 127.0.0.1 (no network namespace of the host)', async () => {
      // The listener (in this process: hence async runs) answers HELLO to anyone who reaches it.
      const script = `exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3 || echo refused`;
      expect(await runAsync(['/bin/bash', '-c', script])).toBe('HELLO');
      const out = await runAsync(bubblewrapArgv(spec(), ['/bin/bash', '-c', script]));
      expect(out).not.toContain('HELLO');
      expect(out).toContain('refused');
    });

    it('cannot see host processes (own PID namespace) and holds no capabilities', () => {
      const r = run(
        `ls /proc | grep -c '^[0-9]'; kill -0 ${process.pid} 2>/dev/null && echo SEES-HOST; grep CapEff /proc/self/status`,
      );
      const [count, ...rest] = r.stdout.trim().split('\n');
      expect(Number(count)).toBeLessThan(10);
      expect(rest.join('\n')).not.toContain('SEES-HOST');
      expect(rest.join('\n')).toMatch(/CapEff:\s+0+$/);
    });

    it('a shared data folder is bound read-only in place of data/, and a protected path inside it stays hidden', () => {
      mkdirSync(join(shared, 'inner-protected'), { recursive: true });
      writeFileSync(join(shared, 'inner-protected', 'key'), 'HIDDEN');
      const s = spec({
        protect: [workdir, join(shared, 'inner-protected')],
        binds: [
          { src: shared, dest: join(session, 'data'), mode: 'ro' },
          { src: join(session, 'work'), mode: 'rw' },
        ],
      });
      const r = run(
        'cat ../data/shared.csv; echo; cat ../data/inner-protected/key 2>/dev/null || echo hidden; touch ../data/x 2>/dev/null || echo ro',
        s,
      );
      expect(r.stdout).toBe('SHARED\nhidden\nro\n');
    });

    it('refuses to bind a protected path itself', () => {
      expect(() => bubblewrapArgv(spec({ binds: [{ src: workdir, mode: 'ro' }] }), ['true'])).toThrow(
        /protected path/,
      );
    });

    it('the candidate python runs inside with its packages', () => {
      const py = resolvePython('/usr/bin/python3');
      const r = run(
        `${py.executable} -c "import numpy, pandas; print('ok')"`,
        spec({ binds: [...spec().binds, ...py.readOnlyPaths.map((p) => ({ src: p, mode: 'ro' as const }))] }),
      );
      expect(r.stdout).toBe('ok\n');
    });
  },
);

function runAsync(argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', reject);
    c.on('close', () => resolve(out));
  });
}

describe('candidate python', () => {
  it('names the folders outside /usr an interpreter needs', () => {
    const py = resolvePython('/usr/bin/python3');
    expect(py.executable).toBe('/usr/bin/python3');
    expect(py.readOnlyPaths.every((p) => !p.startsWith('/usr/'))).toBe(true);
  });
  it('refuses what is not an interpreter, with the flag named', () => {
    expect(() => resolvePython('python3')).toThrow(/--python python3: give an absolute path/);
    expect(() => resolvePython('/nonexistent/python')).toThrow(
      /--python \/nonexistent\/python: no such file/,
    );
    expect(() => resolvePython(tmp)).toThrow(/not a virtualenv/);
  });
  it('keeps only outermost folders', () => {
    expect(minimalRoots(['/a/b', '/a', '/c/d', '/c/de'])).toEqual(['/a', '/c/d', '/c/de']);
  });
});
