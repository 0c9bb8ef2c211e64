import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AIRA, airaSpawn, airaSync, studyIn, tempRoot } from '../test-support/cli.js';

/**
 * `aira run --preflight` and the pre-flight at the start of every run, through the built CLI:
 * data against MLE-bench's checksums, the split, disk, workers, the LLM endpoint (a loopback
 * OpenAI-compatible server) and the cost cap, in one table; bad data stops with one line.
 */

const t = tempRoot('aira-preflight-');
const data = join(t.dir, 'data');
/** The splits pre-flight builds, kept in this test's own folder. */
const hceCache = join(t.dir, 'hce-mini');
let server: Server;
let baseUrl = '';
const seen: Array<{ model: string }> = [];

beforeAll(async () => {
  // Real mini data, prepared by its plugin through `aira grade` (which prepares on first use).
  mkdirSync(data, { recursive: true });
  writeFileSync(join(t.dir, 'empty.csv'), 'id,progression\n');
  airaSync([
    'grade',
    '--competition',
    'mini-diabetes',
    '--submission',
    join(t.dir, 'empty.csv'),
    '--data',
    data,
  ]);
  expect(existsSync(join(data, 'mini-diabetes', 'prepared', 'public', 'train.csv'))).toBe(true);
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const doc = JSON.parse(body) as { model: string };
      seen.push({ model: doc.model });
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          created: 0,
          model: doc.model,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'OK' } }],
          usage: { prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  t.cleanup();
});

describe('pre-flight', () => {
  it('--preflight prints one table and exits 0 when nothing blocks; the LLM endpoint answers one tiny request with the model', async () => {
    // Spawned without blocking: the loopback endpoint runs in this process.
    const child = airaSpawn(
      [
        'run',
        '--competition',
        'mini-diabetes',
        '--data',
        data,
        '--agent',
        'react',
        '--model',
        'tiny-model',
        '--llm-base-url',
        baseUrl,
        '--preflight',
      ],
      { OPENAI_API_KEY: 'k', AIRA_HCE_CACHE: hceCache },
    );
    const r = { status: await child.exited, stdout: child.out(), stderr: child.err() };
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^CHECK\s+SUBJECT\s+STATUS\s+DETAIL$/);
    expect(r.stdout).toMatch(/^data\s+mini-diabetes\s+ok\s+\d+ files match MLE-bench's checksums$/m);
    expect(r.stdout).toMatch(
      /^split\s+mini-diabetes\s+ok\s+built-in splitter: (built|cached) in \d+\.\ds \(key [0-9a-f]+\)$/m,
    );
    expect(r.stdout).toMatch(/^disk\s+runs\s+ok\s+[\d.]+ GiB free$/m);
    expect(r.stdout).toMatch(/^workers\s+local\s+ok\s+\d+ CPUs/m);
    expect(r.stdout).toMatch(
      new RegExp(
        `^llm\\s+tiny-model at ${baseUrl.replace(/[.]/g, '\\.')}\\s+ok\\s+answered \\(8 tokens\\)$`,
        'm',
      ),
    );
    expect(r.stdout).toMatch(
      /^cost cap\s+react\s+warning\s+no --cost-cap: LLM spending per run is unbounded$/m,
    );
    expect(lines.at(-1)).toBe('ready');
    expect(seen).toEqual([{ model: 'tiny-model' }]);
  }, 120_000);

  it('an endpoint that does not answer and an unreachable hosts-file worker are blockers: exit 1', () => {
    const hosts = join(t.dir, 'hosts');
    writeFileSync(hosts, '127.0.0.1:1\n');
    writeFileSync(join(t.dir, 'token'), 'x'.repeat(32));
    const r = airaSync(
      [
        'run',
        '--competition',
        'mini-diabetes',
        '--data',
        data,
        '--agent',
        'react',
        '--model',
        'm',
        '--llm-base-url',
        'http://127.0.0.1:1/v1',
        '--cost-cap',
        '5',
        '--workers',
        `hosts:${hosts}`,
        '--token-file',
        join(t.dir, 'token'),
        '--preflight',
      ],
      { OPENAI_API_KEY: 'k', AIRA_HCE_CACHE: hceCache },
    );
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^workers\s+127\.0\.0\.1:1\s+blocker\s+worker 127\.0\.0\.1:1 is unreachable/m);
    expect(r.stdout).toMatch(/^llm\s+m at http:\/\/127\.0\.0\.1:1\/v1\s+blocker\s+\S/m);
    expect(r.stdout).toMatch(/^cost cap\s+react\s+ok\s+\$5 per run$/m);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('blocked: 2 blocker(s)');
  }, 120_000);

  it('bad data: --preflight names the file; a run stops before anything starts with one line naming competition, file and problem', () => {
    const bad = join(t.dir, 'bad');
    cpSync(join(data, 'mini-diabetes'), join(bad, 'mini-diabetes'), { recursive: true });
    rmSync(join(bad, '.aira-md5.json'), { force: true });
    const train = join(bad, 'mini-diabetes', 'prepared', 'public', 'train.csv');
    writeFileSync(train, readFileSync(train, 'utf8').replace(/\n[^\n]*\n$/, '\n')); // one row short
    const pf = airaSync(['run', '--competition', 'mini-diabetes', '--data', bad, '--preflight'], {
      AIRA_HCE_CACHE: hceCache,
    });
    expect(pf.status).toBe(1);
    expect(pf.stdout).toMatch(
      /^data\s+mini-diabetes\s+blocker\s+public\/train\.csv: checksum differs from MLE-bench's/m,
    );

    rmSync(train);
    const out = join(t.dir, 'runs');
    const run = airaSync(['run', '--competition', 'mini-diabetes', '--data', bad, '--out', out], {
      AIRA_HCE_CACHE: hceCache,
    });
    expect(run.status).toBe(2);
    const errors = run.stderr.split('\n').filter((l) => l.startsWith('aira:'));
    expect(errors).toEqual([
      expect.stringMatching(/^aira: pre-flight: mini-diabetes: public\/train\.csv: missing \(fix: /),
    ]);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]); // no study folder
  }, 120_000);
});

describe('pre-flight builds every HCE split (synthetic MLE-bench data)', () => {
  const ID = 'spooky-author-identification';
  const good = join(t.dir, 'synth');
  const hce = join(t.dir, 'hce');
  const out = join(t.dir, 'synth-runs');
  const env = { AIRA_HCE_CACHE: hce };
  const SCRIPT = join(dirname(AIRA), '../../../tools/mlebench/sample_submissions.py');
  const splitRow = (stdout: string) => new RegExp(`^split\\s+${ID}\\s+(\\S+)\\s+(.*)$`, 'm').exec(stdout);
  /** A copy of the synthetic data whose labelled file is changed by `edit`. */
  function spoiled(name: string, edit: (text: string) => string): string {
    const dir = join(t.dir, name);
    cpSync(good, dir, { recursive: true });
    rmSync(join(dir, '.aira-md5.json'), { force: true });
    const train = join(dir, ID, 'prepared', 'public', 'train.csv');
    writeFileSync(train, edit(readFileSync(train, 'utf8')));
    return dir;
  }

  beforeAll(() => {
    const r = airaSync(['data', 'synth', '--competition', ID, '--out', good]);
    expect(r.status, r.stderr).toBe(0);
  }, 120_000);

  it('a good competition passes: its split is built once, then a second pre-flight and the run find it in the cache', () => {
    const first = airaSync(['run', '--competition', ID, '--data', good, '--out', out, '--preflight'], env);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(`^data\\s+${ID}\\s+warning\\s+synthetic data \\(aira data synth\\)`, 'm'),
    );
    const built = splitRow(first.stdout)!;
    expect(built[1]).toBe('ok');
    const key = /^built-in splitter: built in \d+\.\ds \(key ([0-9a-f]+)\)$/.exec(built[2]!)![1]!;
    const marker = join(hce, ID, key, 'hce.json');
    const madeAt = statSync(marker).mtimeMs;
    expect(first.stdout.trim().split('\n').at(-1)).toBe('ready');

    const second = airaSync(['run', '--competition', ID, '--data', good, '--out', out, '--preflight'], env);
    expect(second.status).toBe(0);
    expect(splitRow(second.stdout)![2]).toMatch(
      new RegExp(`^built-in splitter: cached in \\d+\\.\\ds \\(key ${key}\\)$`),
    );

    const run = airaSync(
      [
        'run',
        '--competition',
        ID,
        '--data',
        good,
        '--out',
        out,
        '--agent',
        'script',
        '--script',
        SCRIPT,
        '--interpreter',
        '/usr/bin/python3',
        '--max-jobs',
        '1',
        '--workers',
        'local:1',
        '--budget',
        '10m',
        '--quiet',
      ],
      env,
      300_000,
    );
    expect(run.status, run.stderr).toBe(0);
    const study = studyIn(out)!;
    const stamp = JSON.parse(readFileSync(join(out, study, `${ID}-s0`, 'hce-split.json'), 'utf8')) as {
      key: string;
      dir: string;
    };
    // The run was scored on the split the pre-flight built, and did not build it again.
    expect(stamp).toMatchObject({ key, dir: join(hce, ID, key) });
    expect(readdirSync(join(hce, ID))).toEqual([key]);
    expect(statSync(marker).mtimeMs).toBe(madeAt);
  }, 300_000);

  it.each([
    [
      'truncated',
      (s: string) => `${s.slice(0, Math.floor(s.length / 2))}"cut off`,
      /^built-in splitter: \S*\/public\/train\.csv:\d+: unterminated quoted field$/,
    ],
    [
      'missing its label column',
      (s: string) => s.replace(/,[^,\n]*$/gm, ''),
      /^built-in splitter: .*split\.label: column "author" is not in \S*\/public\/train\.csv \(columns: id, text\)$/,
    ],
  ])(
    'a labelled file %s: --preflight exits 1 naming competition, file and problem; a run stops before any worker starts, the existing study untouched',
    (name, edit, problem) => {
      const bad = spoiled(`synth-${name.split(' ')[0]}`, edit);
      const pf = airaSync(['run', '--competition', ID, '--data', bad, '--out', out, '--preflight'], env);
      expect(pf.status, pf.stderr).toBe(1);
      const row = splitRow(pf.stdout)!;
      expect(row[1]).toBe('blocker');
      expect(row[2]).toMatch(problem);
      expect(pf.stdout.trim().split('\n').at(-1)).toBe('blocked: 1 blocker(s)');

      const before = readdirSync(out).sort();
      const run = airaSync(
        [
          'run',
          '--competition',
          ID,
          '--data',
          bad,
          '--out',
          out,
          '--agent',
          'script',
          '--script',
          SCRIPT,
          '--interpreter',
          '/usr/bin/python3',
          '--workers',
          'local:1',
        ],
        env,
      );
      expect(run.status).toBe(2);
      const errors = run.stderr.split('\n').filter((l) => l.startsWith('aira:'));
      expect(errors).toHaveLength(1);
      expect(errors[0]!.slice(`aira: pre-flight: ${ID}: `.length)).toMatch(problem);
      expect(errors[0]).toMatch(new RegExp(`^aira: pre-flight: ${ID}: `));
      // No new study folder (so no worker was started), and the study already there is whole.
      expect(readdirSync(out).sort()).toEqual(before);
      expect(existsSync(join(out, studyIn(out)!, 'report.json'))).toBe(true);
    },
    120_000,
  );
});
