import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `aira ablate` through the built CLI: one-line matrix errors; a study killed with SIGKILL in the
 * middle of a cell resumes that cell from its journal; Ctrl-C lets the cell under way finish and
 * starts no other; a last run skips what ended and runs the rest.
 */

const AIRA = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/aira.js');
const dir = mkdtempSync(join(tmpdir(), 'aira-ablate-cli-'));
const out = join(dir, 'runs');
const study = join(out, 'cli');

const MATRIX = `name: cli
competitions: [mini-breast-cancer]
seeds: [0, 1]
budget: 60s
checkpoints: ["50%", "100%"]
base:
  agent: { name: template }
  hce: "on"
  budget: { maxJobs: 3, perExec: 40s }
  workers: { spec: [local:1], heartbeat: 1s }
variants:
  full: {}
`;

interface Run {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function aira(args: string[]): Run {
  const child = spawn(process.execPath, [AIRA, ...args], {
    env: { ...process.env, OMP_NUM_THREADS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    child,
    stderr: () => stderr,
    done: new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal, stdout, stderr }))),
  };
}

async function until(what: string, test: () => boolean, ms = 240_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const journalOf = (seed: number) =>
  join(study, `full--mini-breast-cancer--s${seed}`, `mini-breast-cancer-s${seed}`, 'journal.jsonl');
const events = (seed: number): Array<{ type: string }> =>
  existsSync(journalOf(seed))
    ? readFileSync(journalOf(seed), 'utf8')
        .split('\n')
        .filter((l) => l.trim().startsWith('{') && l.trim().endsWith('}'))
        .map((l) => JSON.parse(l) as { type: string })
    : [];
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('aira ablate', () => {
  it('names the file, line and field of a bad matrix in one line, with no stack trace', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, MATRIX.replace('  full: {}', '  full:\n    search: { policy: annealing }'));
    const r = await aira(['ablate', bad, '--out', out]).done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      new RegExp(
        `^aira: invalid matrix: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:13: variants\\.full\\.search\\.policy: `,
      ),
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const missing = await aira(['ablate', join(dir, 'nope.yaml')]).done;
    expect(missing.stderr.trim()).toBe(
      `aira: cannot read matrix file ${join(dir, 'nope.yaml')}: no such file`,
    );
  });

  it('lists the cells with --dry-run', async () => {
    const m = join(dir, 'cli.yaml');
    writeFileSync(m, MATRIX);
    const r = await aira(['ablate', m, '--out', out, '--dry-run']).done;
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0]),
    ).toEqual(['full--mini-breast-cancer--s0', 'full--mini-breast-cancer--s1']);
    expect(existsSync(study)).toBe(false);
  });

  it('resumes a cell killed mid-run, drains on Ctrl-C, then skips what ended', async () => {
    const m = join(dir, 'cli.yaml');
    writeFileSync(m, MATRIX);

    // 1. Killed (SIGKILL) once the first cell has a candidate: its journal has no run.ended.
    const a = aira(['ablate', m, '--out', out, '--no-report']);
    await until('a first candidate', () => events(0).some((e) => e.type === 'candidate.added'));
    a.child.kill('SIGKILL');
    await a.done;
    expect(events(0).some((e) => e.type === 'run.ended')).toBe(false);
    const orphans = readdirSync(join(study, 'workers'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => (JSON.parse(readFileSync(join(study, 'workers', f), 'utf8')) as { pid: number }).pid);
    expect(orphans.length).toBe(1);
    expect(orphans.every(alive)).toBe(true);

    // 2. Run again: the orphaned daemon is stopped, the cell resumes from its journal; one Ctrl-C
    //    lets it finish and starts nothing else.
    const b = aira(['ablate', m, '--out', out, '--no-report']);
    await until('the resume', () =>
      b.stderr().includes('[1/2] full--mini-breast-cancer--s0: resumed from its journal'),
    );
    b.child.kill('SIGINT');
    const rb = await b.done;
    expect(rb.code, rb.stderr).toBe(0);
    expect(orphans.some(alive)).toBe(false);
    expect(events(0).some((e) => e.type === 'run.resumed')).toBe(true);
    expect(events(0).some((e) => e.type === 'run.ended')).toBe(true);
    expect(rb.stderr).toContain('no further cell starts');
    expect(rb.stderr).toContain('1 cell(s) not run yet');
    expect(events(1)).toHaveLength(0);

    // 3. And again: the first cell is skipped, the second runs; the report covers both.
    const rc = await aira(['ablate', m, '--out', out]).done;
    expect(rc.code, rc.stderr).toBe(0);
    expect(rc.stderr).toContain('[1/2] full--mini-breast-cancer--s0: ended before, skipped');
    expect(rc.stderr).toMatch(/\[2\/2\] full--mini-breast-cancer--s1: max-jobs after/);
    expect(rc.stdout).toContain(`report: ${join(study, 'report.md')}`);
    const report = JSON.parse(readFileSync(join(study, 'report.json'), 'utf8')) as {
      progress: { ended: number };
      launches: Array<{ ran: number; resumed: number; skipped: number }>;
    };
    expect(report.progress.ended).toBe(2);
    // The killed launch never wrote its end; the other two say what they did.
    expect(report.launches).toHaveLength(3);
    expect(report.launches[0]!.ran).toBeUndefined();
    expect(report.launches.slice(1).map((l) => [l.ran, l.resumed, l.skipped])).toEqual([
      [0, 1, 0],
      [1, 0, 1],
    ]);
    // `aira report` on the study folder rewrites the same report.
    const rr = await aira(['report', study]).done;
    expect(rr.code, rr.stderr).toBe(0);
    expect(rr.stdout).toContain(join(study, 'report.html'));
  }, 600_000);
});
