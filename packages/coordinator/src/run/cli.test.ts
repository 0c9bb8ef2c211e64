import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, readLocalRecords } from '../pool/local.js';
import { tempDir } from '@aira/testing';
import { AIRA_BIN, assertBuilt, eventsOf, journalOf, sleepyScript } from '../test-support/workers.js';

let cleanup: () => void = () => undefined;
const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  cleanup();
});

function airaSync(args: string[], env: NodeJS.ProcessEnv = {}) {
  assertBuilt();
  return spawnSync(process.execPath, [AIRA_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

function airaAsync(args: string[]) {
  const child = spawn(process.execPath, [AIRA_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child,
    exited: new Promise<{ code: number | null; out: string }>((r) =>
      child.once('exit', (code) => r({ code, out })),
    ),
  };
}

async function until(cond: () => boolean, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const studyIn = (out: string) =>
  existsSync(out) ? readdirSync(out).find((d) => existsSync(join(out, d, 'study.json'))) : undefined;

describe('aira run / status / stop', () => {
  it('--print-config shows each value and where it came from', () => {
    const t = tempDir('aira-cli-');
    cleanup = t.cleanup;
    const file = join(t.dir, 'run.yaml');
    writeFileSync(file, 'agent:\n  script: s.py\nsearch:\n  temperature: 0.4\nbudget:\n  wallClock: 1h\n');
    const r = airaSync(['run', '--config', file, '--budget', '90s', '--print-config'], {
      AIRA_POLICY: 'greedy',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/budget\.wallClock\s+1m30s \(90000 ms\)\s+flag --budget/);
    expect(r.stdout).toMatch(/search\.policy\s+"greedy"\s+env AIRA_POLICY/);
    expect(r.stdout).toMatch(new RegExp(`search\\.temperature\\s+0\\.4\\s+file ${file}:4`));
    expect(r.stdout).toMatch(/search\.crossoverProbability\s+0\.15\s+default/);
  });

  it('a bad setting is one line naming file, line and field, with no stack trace', () => {
    const t = tempDir('aira-cli-');
    cleanup = t.cleanup;
    const file = join(t.dir, 'run.yaml');
    writeFileSync(file, 'agent:\n  script: s.py\nsearch:\n  policy: anneal\n');
    const r = airaSync(['run', '--config', file]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^aira: invalid run config: file ${file}:4: search\\.policy: `));
  });

  it('local workers outlive a killed coordinator and are adopted by the resumed one, then stopped', async () => {
    const t = tempDir('aira-cli-');
    cleanup = t.cleanup;
    const out = join(t.dir, 'runs');
    const script = sleepyScript(t.dir, 0.1, 0.3);
    const first = airaAsync([
      'run',
      '--quiet',
      '--workers',
      'local:2',
      '--script',
      script,
      '--max-jobs',
      '8',
      '--out',
      out,
    ]);
    const journal = () => {
      const id = studyIn(out);
      return id ? join(out, id, 'script-s0', 'journal.jsonl') : '';
    };
    await until(
      () =>
        journal() !== '' &&
        existsSync(journal()) &&
        eventsOf(journalOf(join(journal(), '..')), 'candidate.added').length >= 2,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const studyId = studyIn(out)!;
    const records = readLocalRecords(join(out, studyId, 'workers'));
    expect(records).toHaveLength(2);
    leftovers.push(...records.map((r) => r.pid));
    expect(records.every((r) => isAlive(r.pid))).toBe(true);
    const before = eventsOf(journalOf(join(out, studyId, 'script-s0')), 'worker.joined').map(
      (e) => e.info.pid,
    );

    const resumed = airaSync(['run', '--quiet', '--resume', studyId, '--out', out]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(
      new RegExp(`${studyId}/script-s0: max-jobs, 8 candidate\\(s\\), final pick c\\d{4}`),
    );
    const events = journalOf(join(out, studyId, 'script-s0'));
    const joinedAfter = eventsOf(events, 'worker.joined').filter(
      (e) => e.seq > eventsOf(events, 'run.resumed')[0]!.seq,
    );
    expect(new Set(joinedAfter.map((e) => e.info.pid))).toEqual(new Set(before));
    // The coordinator stops the local daemons it used when the study ends.
    await until(() => records.every((r) => !isAlive(r.pid)), 15_000);

    const status = airaSync(['status', studyId, '--out', out]);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${studyId}\\s+ended`));
    expect(status.stdout).toMatch(/script-s0\s+ended:max-jobs .* candidates 8 \(8 valid\)\s+best c\d{4}/);
  }, 180_000); // several `aira` processes and local daemons

  it('a resumed coordinator takes over a solution still running on its worker instead of re-running it', async () => {
    const t = tempDir('aira-cli-');
    cleanup = t.cleanup;
    const out = join(t.dir, 'runs');
    const script = sleepyScript(
      t.dir,
      0.05,
      0.1,
      'for i in range(20):\n    print(f"tick {i}", flush=True)\n    time.sleep(0.15 if job["index"] == 3 else 0)',
    );
    const first = airaAsync([
      'run',
      '--quiet',
      '--workers',
      'local:2',
      '--script',
      script,
      '--max-jobs',
      '6',
      '--out',
      out,
    ]);
    const runDir = () => join(out, studyIn(out) ?? 'none', 'script-s0');
    await until(
      () =>
        existsSync(join(runDir(), 'journal.jsonl')) &&
        eventsOf(journalOf(runDir()), 'exec.started').some(
          (e) => e.jobId === 'j0003' && e.label === 'solution',
        ),
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const studyId = studyIn(out)!;
    leftovers.push(...readLocalRecords(join(out, studyId, 'workers')).map((r) => r.pid));
    const resumed = airaSync(['run', '--quiet', '--resume', studyId, '--out', out]);
    expect(resumed.status, resumed.stderr).toBe(0);
    const events = journalOf(runDir());
    const adopted = eventsOf(events, 'attempt.adopted');
    expect(adopted.map((a) => [a.jobId, a.attempt])).toContainEqual(['j0003', 1]);
    expect(eventsOf(events, 'attempt.abandoned').filter((a) => a.jobId === 'j0003')).toEqual([]);
    const c3 = eventsOf(events, 'candidate.added').find((a) => a.candidate.jobId === 'j0003')!.candidate;
    expect(c3.attempt).toBe(1);
    expect(c3.scores.valid).toBe(true);
    const solution = eventsOf(events, 'exec.started').find(
      (e) => e.jobId === 'j0003' && e.label === 'solution',
    )!;
    const log = readFileSync(join(runDir(), solution.log), 'utf8');
    expect(log.match(/^tick \d+$/gm)).toEqual(Array.from({ length: 20 }, (_, i) => `tick ${i}`));
    expect(eventsOf(events, 'candidate.added')).toHaveLength(6);
  }, 180_000); // several `aira` processes and local daemons

  it('aira stop ends a running study cleanly from another process', async () => {
    const t = tempDir('aira-cli-');
    cleanup = t.cleanup;
    const out = join(t.dir, 'runs');
    const script = sleepyScript(t.dir, 0.05, 0.1, 'time.sleep(0 if job["index"] <= 2 else 60)');
    const run = airaAsync(['run', '--workers', 'local:2', '--script', script, '--out', out]);
    await until(() => {
      const id = studyIn(out);
      return Boolean(id) && eventsOf(journalOf(join(out, id!, 'script-s0')), 'candidate.added').length >= 2;
    });
    const studyId = studyIn(out)!;
    const running = airaSync(['status', '--out', out]);
    expect(running.stdout).toMatch(new RegExp(`${studyId}\\s+running \\(pid \\d+\\)`));
    leftovers.push(...readLocalRecords(join(out, studyId, 'workers')).map((r) => r.pid));
    const stop = airaSync(['stop', studyId, '--out', out, '--wait', '60s']);
    expect(stop.status, stop.stderr).toBe(0);
    expect(stop.stdout).toMatch(/asked pid \d+ to stop/);
    expect(stop.stdout).toContain(`study ${studyId} stopped`);
    const r = await run.exited;
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`study ${studyId} stopped; resume with: aira run --resume ${studyId}`);
    const events = journalOf(join(out, studyId, 'script-s0'));
    expect(eventsOf(events, 'run.ended')[0]).toMatchObject({
      reason: 'stopped',
      finalPick: { by: 'search' },
    });
    expect(eventsOf(events, 'attempt.cancelled').length).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(out, studyId, 'STOP'), 'utf8')).toMatch(/stop requested/);
  }, 180_000); // several `aira` processes and local daemons
});
