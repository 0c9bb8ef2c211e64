import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  openSession,
  run,
  runPython,
  startTestWorker,
  type TestWorker,
  unary,
} from '../test-support/worker.js';

let w: TestWorker;
beforeAll(async () => {
  // Secrets in the daemon's environment must not reach candidate code.
  w = await startTestWorker({ env: { ...process.env, AIRA_TEST_SECRET: 'x', OPENAI_API_KEY: 'sk-test' } });
});
afterAll(async () => {
  await w?.stop();
});

describe('a session', () => {
  it('makes data, work and submission folders and starts in work', async () => {
    const res = await unary(w.connection, 'openSession', {
      sessionId: '',
      labels: { job: 'j1' },
      dataPath: '',
      limits: undefined,
      env: { MY_FLAG: 'on' },
      startShell: false,
    });
    for (const dir of [res.dataDir, res.workDir, res.submissionDir]) expect(existsSync(dir)).toBe(true);
    const r = await run(w.connection, res.sessionId, 'pwd; echo "$MY_FLAG $AIRA_SUBMISSION_DIR"');
    expect(r.stdout).toBe(`${res.workDir}\non ${res.submissionDir}\n`);
    const list = await unary(w.connection, 'listSessions', {});
    expect(list.sessions.find((s) => s.sessionId === res.sessionId)?.labels).toEqual({ job: 'j1' });
    await unary(w.connection, 'closeSession', { sessionId: res.sessionId, keepWorkspace: false });
    expect(existsSync(res.workDir)).toBe(false);
  });

  it('uses a folder the worker already sees as the data folder, and refuses one it does not', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'aira-shared-'));
    writeFileSync(join(shared, 'train.csv'), 'id,y\n1,0\n');
    const res = await unary(w.connection, 'openSession', {
      sessionId: '',
      labels: {},
      dataPath: shared,
      limits: undefined,
      env: {},
      startShell: false,
    });
    expect((await run(w.connection, res.sessionId, 'cat ../data/train.csv')).stdout).toBe('id,y\n1,0\n');
    const bad = await unary(w.connection, 'openSession', {
      sessionId: '',
      labels: {},
      dataPath: '/nonexistent/data',
      limits: undefined,
      env: {},
      startShell: false,
    }).catch((e: { code: number; details: string }) => e);
    expect(bad).toMatchObject({ code: 3, details: expect.stringMatching(/data_path "\/nonexistent\/data"/) });
  });

  it('keeps an exec log per exec, made ahead, and leaves none behind when it closes', async () => {
    const logs = (id: string) => join(w.workdir, 'logs', id);
    const id = await openSession(w.connection);
    expect((await run(w.connection, id, 'echo one')).stdout).toBe('one\n');
    await unary(w.connection, 'closeSession', { sessionId: id, keepWorkspace: false });
    // A job of one exec: no log made for a next exec that never came, and the folder is gone.
    expect(existsSync(logs(id))).toBe(false);

    const many = await openSession(w.connection);
    expect((await run(w.connection, many, 'echo one')).stdout).toBe('one\n');
    await new Promise((r) => setTimeout(r, 600));
    expect(readdirSync(logs(many)).sort()).toEqual(['exec-1.log', 'exec-2.log']); // the next one, ahead
    expect((await run(w.connection, many, 'echo two')).stdout).toBe('two\n');
    await unary(w.connection, 'closeSession', { sessionId: many, keepWorkspace: false });
  });

  it('keeps bash state between execs: cwd, exported and plain variables, functions, declare', async () => {
    const s = await openSession(w.connection);
    const first = await run(
      w.connection,
      s,
      'mkdir -p sub && cd sub; export GREETING=hello; count=41; declare -i n=7; inc() { count=$((count+1)); }',
    );
    expect(first.finished.exitCode).toBe(0);
    const second = await run(
      w.connection,
      s,
      'inc; echo "$(basename "$PWD") $GREETING $count $n"; bash -c \'echo child sees $GREETING\'',
    );
    expect(second.stdout).toBe('sub hello 42 7\nchild sees hello\n');
    const third = await run(
      w.connection,
      s,
      'echo out; echo err >&2; exit_code_of() { return 3; }; exit_code_of',
    );
    expect(third).toMatchObject({
      stdout: 'out\n',
      stderr: 'err\n',
      finished: { exitCode: 3, stateLost: false },
    });
  });

  it('survives a syntax error and stdin reads, and reports a shell that exits as state lost', async () => {
    const s = await openSession(w.connection);
    await run(w.connection, s, 'kept=yes');
    const bad = await run(w.connection, s, 'if then fi (');
    expect(bad.finished.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/syntax error/);
    const reader = await run(w.connection, s, 'read line; echo "got [$line] rc=$?"; cat; echo $kept');
    expect(reader.stdout).toBe('got [] rc=1\nyes\n');
    const exit = await run(w.connection, s, 'echo bye; exit 4');
    expect(exit).toMatchObject({ stdout: 'bye\n', finished: { exitCode: 4, stateLost: true } });
    const after = await run(w.connection, s, 'echo "[${kept:-gone}]"; pwd');
    expect(after.stdout).toMatch(/^\[gone\]\n.*\/work\n$/);
  });

  it('runs a long script (a file written with a heredoc) exactly, then reads the next request', async () => {
    const s = await openSession(w.connection);
    const body = Array.from(
      { length: 5000 },
      (_, i) => `line ${i} 'quotes' "double" \\back $notexpanded ünï`,
    ).join('\n');
    const r = await run(w.connection, s, `v=kept\ncat > big.txt <<'EOF'\n${body}\nEOF\nwc -l < big.txt\n\n`);
    expect(r.stdout).toBe('5000\n');
    expect(readFileSync(join(w.workdir, 'sessions', s, 'work', 'big.txt'), 'utf8')).toBe(`${body}\n`);
    expect((await run(w.connection, s, 'echo $v')).stdout).toBe('kept\n');
  });

  it('keeps Python state: variables, imports, functions, cwd and environment', async () => {
    const s = await openSession(w.connection);
    const a = await runPython(
      w.connection,
      s,
      'import os, json\nvalues = [1, 2, 3]\ndef total(): return sum(values)\nos.chdir("..")\nos.environ["FROM_PY"] = "yes"',
    );
    expect(a.finished).toMatchObject({ exitCode: 0, stateLost: false });
    const b = await runPython(
      w.connection,
      s,
      'values.append(4)\nprint(json.dumps({"t": total(), "cwd": os.path.basename(os.getcwd())}))',
    );
    expect(JSON.parse(b.stdout)).toEqual({ t: 10, cwd: s });
    const c = await runPython(
      w.connection,
      s,
      'import subprocess\nsubprocess.run(["sh", "-c", "echo $FROM_PY"], check=True)\nNone',
    );
    expect(c.stdout).toBe('yes\n');
  });

  it('prints the last expression like a REPL, and a traceback with exit code 1 on an exception', async () => {
    const s = await openSession(w.connection);
    expect((await runPython(w.connection, s, 'x = 6\nx * 7')).stdout).toBe('42\n');
    expect((await runPython(w.connection, s, '"text"')).stdout).toBe("'text'\n");
    expect((await runPython(w.connection, s, 'x = None\nx')).stdout).toBe('');
    expect((await runPython(w.connection, s, 'y = 1')).stdout).toBe('');
    const err = await runPython(w.connection, s, 'def f():\n    return 1 / 0\nf()');
    expect(err.finished).toMatchObject({ exitCode: 1, stateLost: false });
    expect(err.stderr).toMatch(/^Traceback \(most recent call last\):\n/);
    expect(err.stderr).toMatch(/return 1 \/ 0/);
    expect(err.stderr).toMatch(/ZeroDivisionError: division by zero\n$/);
    expect(err.stderr).not.toMatch(/driver\.py/);
    const syntax = await runPython(w.connection, s, 'def (:');
    expect(syntax.finished.exitCode).toBe(1);
    expect(syntax.stderr).toMatch(/SyntaxError/);
    const exit = await runPython(w.connection, s, 'import sys\nsys.exit(5)');
    expect(exit.finished).toMatchObject({ exitCode: 5, stateLost: false });
    expect((await runPython(w.connection, s, 'x is None and y == 1')).stdout).toBe('True\n');
  });

  it('runs the configured Python in the kernel and as python/python3 in bash, with numpy', async () => {
    const s = await openSession(w.connection);
    const k = await runPython(w.connection, s, 'import sys, numpy\nprint(sys.executable)');
    expect(k.stdout).toBe('/usr/bin/python3\n');
    const b = await run(
      w.connection,
      s,
      'python -c "import sys; print(sys.executable)"; python3 -c "import numpy; print(numpy.__name__)"',
    );
    expect(b.stdout).toBe('/usr/bin/python3\nnumpy\n');
  });

  it('passes no secrets from the daemon environment to candidate code', async () => {
    const s = await openSession(w.connection);
    const r = await run(w.connection, s, 'env | cut -d= -f1 | sort');
    const names = r.stdout.trim().split('\n');
    expect(names).toContain('AIRA_SESSION_ID');
    expect(names).not.toContain('AIRA_TEST_SECRET');
    expect(names).not.toContain('OPENAI_API_KEY');
  });

  it('reports peak memory of what an exec ran', async () => {
    const s = await openSession(w.connection);
    const r = await run(
      w.connection,
      s,
      `python3 -c "import time; b = bytearray(300 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.6)"`,
    );
    expect(r.finished.exitCode).toBe(0);
    expect(r.finished.peakMemoryBytes).toBeGreaterThan(300 * 1024 * 1024);
    const py = await runPython(w.connection, s, 'big = bytearray(200 * 1024 * 1024)\ndel big');
    expect(py.finished.peakMemoryBytes).toBeGreaterThan(200 * 1024 * 1024);
    const small = await run(w.connection, s, 'true');
    expect(small.finished.peakMemoryBytes).toBeLessThan(100 * 1024 * 1024);
  });

  it('runs execs of one kind in order and keeps bash and Python apart', async () => {
    const s = await openSession(w.connection);
    const [a, b, c] = await Promise.all([
      run(w.connection, s, 'sleep 0.3; echo one > order.txt'),
      run(w.connection, s, 'echo two >> order.txt; cat order.txt'),
      runPython(w.connection, s, 'print("py")'),
    ]);
    expect(a.finished.exitCode).toBe(0);
    expect(b.stdout).toBe('one\ntwo\n');
    expect(c.stdout).toBe('py\n');
    expect(existsSync(join(w.workdir, 'sessions', s, 'work', 'order.txt'))).toBe(true);
  });
});
