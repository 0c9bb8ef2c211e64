import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readJournal } from '@aira/coordinator';
import { miniBaseline, MINI_SUITE, type MiniId } from '@aira/plugin-mini';
import { inspectPlotSvg, SERIES, type StudyReport } from '@aira/report';

/**
 * The `npm start` path at CI size: `aira run --suite mini` through the built CLI (real local worker
 * daemons, real Debian Python, HCE, evolution, the template agent), Ctrl-C in the middle, then
 * `aira run --resume`, which finishes the study and writes its report. Budgets are small: at most
 * 3 jobs per competition.
 */

const AIRA = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/aira.js');
const root = mkdtempSync(join(tmpdir(), 'aira-start-'));
const out = join(root, 'runs');
// Prepared data and HCE splits are caches: shared with other runs of this test on this machine.
const uid = process.getuid?.() ?? 0;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  AIRA_MLEBENCH_DATA: join(tmpdir(), `aira-mini-data-${uid}`),
  AIRA_HCE_CACHE: join(tmpdir(), `aira-mini-hce-${uid}`),
};
delete env.CI; // the child decides on its own that stderr is not a terminal

interface Child {
  code: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
  pid: number;
}

function aira(args: string[]): Child {
  const child = spawn(process.execPath, [AIRA, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    code: new Promise((done) => child.on('exit', (code) => done(code))),
    stdout: () => stdout,
    stderr: () => stderr,
    pid: child.pid!,
  };
}

async function until<T>(what: string, probe: () => T | undefined | null | false, ms = 240_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start at CI size: aira run --suite mini, Ctrl-C, --resume, report', () => {
  it('stops cleanly on SIGINT, resumes, and reports final picks that beat their baselines, with plots that render', async () => {
    const args = ['--max-jobs', '3', '--budget', '4m', '--exec-timeout', '2m', '--out', out];
    const first = aira(['run', '--suite', 'mini', ...args]);
    // Plain lines on a pipe: wait for the first scored candidate of the first competition.
    await until('a scored candidate', () => /\] c\d+ \w+.* on wrk-[^:]+: score /.test(first.stderr()));
    const studyId = /study (\S+) in /.exec(first.stderr())![1]!;
    const dir = join(out, studyId);
    const workerPids = readdirSync(join(dir, 'workers'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => (JSON.parse(readFileSync(join(dir, 'workers', f), 'utf8')) as { pid: number }).pid);
    expect(workerPids).toHaveLength(2);
    process.kill(first.pid, 'SIGINT');
    expect(await first.code).toBe(0);
    expect(first.stderr()).toContain('SIGINT: ending the study cleanly');
    const lastLine = first.stdout().trim().split('\n').at(-1);
    expect(lastLine).toBe(`study ${studyId} stopped; resume with: aira run --resume ${studyId} --out ${out}`);
    // Workers told (stopped), journals closed, the study released.
    for (const pid of workerPids) await until(`worker ${pid} to exit`, () => !alive(pid), 20_000);
    expect(existsSync(join(dir, 'coordinator.json'))).toBe(false);
    const stopped = readJournal(join(dir, `${MINI_SUITE[0]}-s0`, 'journal.jsonl'));
    expect(stopped.tornBytes).toBe(0);
    expect(stopped.events.at(-1)).toMatchObject({ type: 'run.ended', reason: 'stopped' });

    const second = aira(['run', '--resume', studyId, '--out', out]);
    expect(await second.code, second.stderr()).toBe(0);
    const lines = second.stdout().trim().split('\n');
    expect(lines.at(-1)).toBe(`report: ${join(dir, 'report.html')}`);
    expect(lines.at(-2)).toBe(`report: ${join(dir, 'report.md')}`);

    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as StudyReport;
    expect(report.runs.map((r) => r.competition)).toEqual([...MINI_SUITE]);
    expect(report.agent).toMatch(/^template \(LLM-free/);
    for (const run of report.runs) {
      const id = run.competition as MiniId;
      expect(run.state, id).toBe('ended');
      expect(run.pick, `${id} has a final pick`).not.toBeNull();
      const baseline = miniBaseline(id);
      const test = run.pick!.test!;
      expect(
        baseline.lowerIsBetter ? test < baseline.score : test > baseline.score,
        `${id}: test ${test} vs trivial baseline ${baseline.score}`,
      ).toBe(true);
      expect(run.pick!.leaderboard!.label).toBe('reference leaderboard');
      // Each series is drawn: well-formed SVG with a line and a point per value.
      const seen = inspectPlotSvg(readFileSync(join(dir, run.plot!), 'utf8'));
      for (const s of SERIES)
        expect(seen.series[s.label], `${id} ${s.label}`).toEqual({
          line: true,
          points: run.series[s.key].length,
        });
    }
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toMatch(/Protection: \*\*(sandbox \(bubblewrap\)|UNPROTECTED)/);
    expect(md).not.toMatch(/kaggle/i);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html.match(/<svg[\s\S]*?<\/svg>/g)).toHaveLength(MINI_SUITE.length);

    // `aira report` rebuilds the same report from the journals.
    rmSync(join(dir, 'report.json'));
    const again = aira(['report', studyId, '--out', out]);
    expect(await again.code, again.stderr()).toBe(0);
    expect(again.stdout()).toContain(`report: ${join(dir, 'report.html')}\n`);
    const rebuilt = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as StudyReport;
    expect(rebuilt.runs).toEqual(report.runs);
  }, 600_000);
});
