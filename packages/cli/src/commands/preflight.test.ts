import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airaSpawn, airaSync, tempRoot } from '../test-support/cli.js';

/**
 * `aira run --preflight` and the pre-flight at the start of every run, through the built CLI:
 * data against MLE-bench's checksums, the split, disk, workers, the LLM endpoint (a loopback
 * OpenAI-compatible server) and the cost cap, in one table; bad data stops with one line.
 */

const t = tempRoot('aira-preflight-');
const data = join(t.dir, 'data');
let server: Server;
let baseUrl = '';
const seen: Array<{ model: string }> = [];

beforeAll(async () => {
  // Real mini data, prepared by its plugin through `aira grade` (which prepares on first use).
  mkdirSync(data, { recursive: true });
  writeFileSync(join(t.dir, 'empty.csv'), 'id,progression\n');
  airaSync(['grade', '--competition', 'mini-diabetes', '--submission', join(t.dir, 'empty.csv'), '--data', data]);
  expect(existsSync(join(data, 'mini-diabetes', 'prepared', 'public', 'train.csv'))).toBe(true);
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const doc = JSON.parse(body) as { model: string };
      seen.push({ model: doc.model });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 0, model: doc.model, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'OK' } }], usage: { prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 } }));
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
    const child = airaSpawn(['run', '--competition', 'mini-diabetes', '--data', data, '--agent', 'react', '--model', 'tiny-model', '--llm-base-url', baseUrl, '--preflight'], { OPENAI_API_KEY: 'k' });
    const r = { status: await child.exited, stdout: child.out(), stderr: child.err() };
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^CHECK\s+SUBJECT\s+STATUS\s+DETAIL$/);
    expect(r.stdout).toMatch(/^data\s+mini-diabetes\s+ok\s+\d+ files match MLE-bench's checksums$/m);
    expect(r.stdout).toMatch(/^split\s+mini-diabetes\s+ok\s+built-in splitter$/m);
    expect(r.stdout).toMatch(/^disk\s+runs\s+ok\s+[\d.]+ GiB free$/m);
    expect(r.stdout).toMatch(/^workers\s+local\s+ok\s+\d+ CPUs/m);
    expect(r.stdout).toMatch(new RegExp(`^llm\\s+tiny-model at ${baseUrl.replace(/[.]/g, '\\.')}\\s+ok\\s+answered \\(8 tokens\\)$`, 'm'));
    expect(r.stdout).toMatch(/^cost cap\s+react\s+warning\s+no --cost-cap: LLM spending per run is unbounded$/m);
    expect(lines.at(-1)).toBe('ready');
    expect(seen).toEqual([{ model: 'tiny-model' }]);
  }, 120_000);

  it('an endpoint that does not answer and an unreachable hosts-file worker are blockers: exit 1', () => {
    const hosts = join(t.dir, 'hosts');
    writeFileSync(hosts, '127.0.0.1:1\n');
    writeFileSync(join(t.dir, 'token'), 'x'.repeat(32));
    const r = airaSync(['run', '--competition', 'mini-diabetes', '--data', data, '--agent', 'react', '--model', 'm', '--llm-base-url', 'http://127.0.0.1:1/v1', '--cost-cap', '5', '--workers', `hosts:${hosts}`, '--token-file', join(t.dir, 'token'), '--preflight'], { OPENAI_API_KEY: 'k' });
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
    const pf = airaSync(['run', '--competition', 'mini-diabetes', '--data', bad, '--preflight']);
    expect(pf.status).toBe(1);
    expect(pf.stdout).toMatch(/^data\s+mini-diabetes\s+blocker\s+public\/train\.csv: checksum differs from MLE-bench's/m);

    rmSync(train);
    const out = join(t.dir, 'runs');
    const run = airaSync(['run', '--competition', 'mini-diabetes', '--data', bad, '--out', out]);
    expect(run.status).toBe(2);
    const errors = run.stderr.split('\n').filter((l) => l.startsWith('aira:'));
    expect(errors).toEqual([expect.stringMatching(/^aira: pre-flight: mini-diabetes: public\/train\.csv: missing \(fix: /)]);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]); // no study folder
  }, 120_000);
});
