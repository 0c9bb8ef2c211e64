import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventBody } from '@aira/coordinator';
import { airaSync, eventsOf, journal, sleepyScript, tempRoot } from '../test-support/cli.js';

/**
 * What a careless user types: everything that can be checked is checked before the study folder
 * exists, in one line without a stack trace; `aira status` keeps working with a corrupt journal
 * and ranks lower-is-better scores right.
 */

const t = tempRoot('aira-inputs-');
afterAll(() => t.cleanup());
const script = sleepyScript(t.dir, 0);
const oneLine = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('aira:') || /^\s+at /.test(l));

describe('inputs checked before anything starts', () => {
  it('bad competitions, workers, budgets and folders: one line each, exit 2, no study folder', () => {
    const out = join(t.dir, 'none');
    const yaml = join(t.dir, 'run.yaml');
    writeFileSync(yaml, 'agent:\n  script: s.py\nbudget:\n  wallClock: 60\n');
    writeFileSync(join(t.dir, 'a-file'), 'x');
    const cases: Array<[string[], RegExp]> = [
      [
        ['--competition', 'mini-diabets'],
        /^aira: unknown competition "mini-diabets": no loaded plugin defines it \(did you mean "mini-diabetes"\?\)$/,
      ],
      [['--script', script, '--workers', 'local:0'], /^aira: workers: "local:0" asks for no worker$/],
      [
        ['--script', script, '--workers', 'lokal'],
        /^aira: workers\.spec: "lokal" is not local, local:N, hosts:FILE, register:HOST:PORT, slurm or slurm:N$/,
      ],
      [['--script', script, '--workers', 'hosts:/no/such/hosts'], /^aira: .*\/no\/such\/hosts/],
      [
        ['--script', script, '--budget', '5'],
        /^aira: invalid run config: flag --budget: budget\.wallClock: "5" has no unit: write 5s, 5m, 5h or 5ms$/,
      ],
      [['--script', script, '--exec-timeout', '90'], /"90" has no unit/],
      [
        ['--config', yaml],
        new RegExp(
          `^aira: config ${yaml}:4: budget\\.wallClock: 60 has no unit: write 60s, 60m, 60h or 60ms$`,
        ),
      ],
      [
        ['--script', script, '--budget', '1s'],
        /^aira: budget\.wallClock: 1\.00s is too short to run one job \(at least 2\.00s; e\.g\. --budget 10m\)$/,
      ],
      [
        ['--script', script, '--out', join(t.dir, 'a-file')],
        /^aira: --out .*a-file: .*a-file is a file, not a folder$/,
      ],
      [['--script', script, '--out', '/proc/x'], /^aira: --out \/proc\/x: cannot create \/proc\/x/],
    ];
    for (const [args, message] of cases) {
      const r = airaSync(['run', '--out', out, ...args], {}, 60_000);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(oneLine(r.stderr), args.join(' ')).toHaveLength(1);
      expect(oneLine(r.stderr)[0], args.join(' ')).toMatch(message);
      expect(existsSync(out), args.join(' ')).toBe(false);
    }
    expect(existsSync('/proc/x')).toBe(false);
  }, 240_000);

  it('status --out FILE and worker --workdir FILE: one line, no stack trace', () => {
    const file = join(t.dir, 'b-file');
    writeFileSync(file, 'x');
    const status = airaSync(['status', '--out', file]);
    expect(status.status).toBe(2);
    expect(status.stderr.trim()).toBe(`aira: --out ${file}: a file, not a folder`);
    const worker = airaSync(['worker', '--workdir', file]);
    expect(worker.status).toBe(2);
    expect(worker.stderr.trim()).toBe(`aira: --workdir ${file}: a file, not a folder`);
  });

  it("a competition's plugin names the budget that suits it, and the run says which budget it chose", () => {
    const cfg = airaSync(['run', '--competition', 'mini-diabetes', '--print-config']);
    expect(cfg.status, cfg.stderr).toBe(0);
    expect(cfg.stdout).toMatch(/budget\.wallClock\s+1m20s \(80000 ms\)\s+plugin mini for mini-diabetes/);
    expect(cfg.stdout).toMatch(/budget\.perExec\s+1m0s \(60000 ms\)\s+plugin mini for mini-diabetes/);
    // The line is printed before workers start (here the worker count is refused right after it).
    const r = airaSync([
      'run',
      '--competition',
      'mini-diabetes',
      '--workers',
      'local:9999',
      '--out',
      join(t.dir, 'none'),
    ]);
    expect(r.stderr).toContain(
      'budget: 1m20s of active time per run (plugin mini for mini-diabetes), 1m0s per execution (plugin mini for mini-diabetes)',
    );
    const own = airaSync([
      'run',
      '--competition',
      'mini-diabetes',
      '--budget',
      '10m',
      '--workers',
      'local:9999',
      '--out',
      join(t.dir, 'none'),
    ]);
    expect(own.stderr).toContain(
      'budget: 10m0s of active time per run (flag --budget), 1m0s per execution (plugin mini for mini-diabetes)',
    );
  }, 120_000);
});

/** A study folder as the coordinator lays it out, with one run whose journal the test writes. */
function writeStudy(
  out: string,
  studyId: string,
  runs: Array<{ runId: string; bodies: EventBody[] }>,
): string {
  const dir = join(out, studyId);
  mkdirSync(dir, { recursive: true });
  const doc = {
    studyId,
    createdAt: '2026-01-01T00:00:00.000Z',
    airaVersion: '0.1.0',
    config: { budget: { wallClock: 60_000 } },
    provenance: {},
    runs: runs.map((r) => ({ runId: r.runId, competition: 'mini-diabetes', seed: 0 })),
  };
  writeFileSync(join(dir, 'study.json'), JSON.stringify(doc));
  for (const r of runs) {
    mkdirSync(join(dir, r.runId), { recursive: true });
    const lines = r.bodies.map((b, seq) => JSON.stringify({ seq, t: 1000 + seq, active: seq * 1000, ...b }));
    writeFileSync(join(dir, r.runId, 'journal.jsonl'), `${lines.join('\n')}\n`);
  }
  return dir;
}

function candidate(id: string, search: number): EventBody {
  const sha = { sha256: 'a'.repeat(64), size: 1 };
  return {
    type: 'candidate.added',
    candidate: {
      id,
      jobId: `j${id.slice(1)}`,
      operator: 'draft',
      parents: [],
      attempt: 1,
      workerId: 'w',
      debugDepth: 0,
      code: sha,
      artifacts: {},
      output: sha,
      scores: { valid: true, search, details: { direction: 'minimize' } },
      timings: { startedAt: 0, submittedAt: 0, evaluatedAt: 0, activeMs: 0 },
    },
  };
}

describe('aira status', () => {
  it('calls the lowest score best on a lower-is-better metric (as the live view does)', () => {
    const out = join(t.dir, 'rmse');
    // run.started carries the config's direction; the HCE evaluator grades with the metric's.
    writeStudy(out, 's-rmse', [
      {
        runId: 'mini-diabetes-s0',
        bodies: [
          {
            type: 'run.started',
            studyId: 's-rmse',
            runId: 'mini-diabetes-s0',
            seed: 0,
            competition: 'mini-diabetes',
            policy: 'evolution',
            search: {},
            direction: 'maximize',
          },
          candidate('c0001', 58.7),
          candidate('c0002', 49.6),
          candidate('c0003', 53.1),
          { type: 'run.ended', reason: 'budget', finalPick: null },
        ],
      },
    ]);
    const r = airaSync(['status', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mini-diabetes-s0\s+ended:budget .* best c0002 49\.6/);
  });

  it('one corrupt journal is one line; the other studies still show; --resume names the line and --repair goes on from the last good event', () => {
    const out = join(t.dir, 'corrupt');
    const ok = airaSync([
      'run',
      '--quiet',
      '--workers',
      'local:1',
      '--script',
      script,
      '--max-jobs',
      '2',
      '--out',
      out,
    ]);
    expect(ok.status, ok.stderr).toBe(0);
    const good = readdirSync(out).find((d) => existsSync(join(out, d, 'script-s0')))!;
    const bad = airaSync([
      'run',
      '--quiet',
      '--workers',
      'local:1',
      '--script',
      script,
      '--max-jobs',
      '3',
      '--out',
      out,
      '--seeds',
      '1',
    ]);
    expect(bad.status, bad.stderr).toBe(0);
    const broken = readdirSync(out).find((d) => existsSync(join(out, d, 'script-s1')))!;
    const path = join(out, broken, 'script-s1', 'journal.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"candidate.added"'));
    lines[at] = '{"seq": garbage';
    writeFileSync(path, lines.join('\n'));

    const status = airaSync(['status', '--out', out]);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${good}\\s+ended`));
    expect(status.stdout).toMatch(
      new RegExp(`script-s1\\s+corrupt: journal ${path}:${at + 1}: not a JSON event`),
    );
    expect(status.stdout).toContain(`aira run --resume ${broken} --repair`);

    const resume = airaSync(['run', '--quiet', '--resume', broken, '--out', out]);
    expect(resume.status).toBe(2);
    expect(resume.stderr).toContain(`aira: journal ${path}:${at + 1}: not a JSON event`);
    expect(resume.stderr).toContain(`aira run --resume ${broken} --repair`);
    expect(resume.stderr).not.toMatch(/^\s+at /m);

    const repaired = airaSync(['run', '--quiet', '--resume', broken, '--out', out, '--repair']);
    expect(repaired.status, repaired.stderr).toBe(0);
    expect(repaired.stderr).toMatch(
      /run script-s1: journal cut back to its last good event \(\d+ events kept; the whole file is .*journal\.jsonl\.corrupt-/,
    );
    const events = journal(join(out, broken, 'script-s1'));
    expect(eventsOf(events, 'run.ended').at(-1)!.reason).toBe('max-jobs');
    expect(eventsOf(events, 'candidate.added')).toHaveLength(3);
  }, 240_000);
});
