import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CandidateRecord, EventBody, JournalEvent } from '@aira/coordinator';
import { resumeCommand } from './finish.js';
import { createProgress, progressMode } from './progress.js';
import { renderScreen } from './screen.js';
import { LiveState } from './state.js';

let seq = 0;
const ev = (t: number, active: number, body: EventBody): JournalEvent =>
  ({ seq: seq++, t, active, ...body }) as JournalEvent;

function candidate(
  id: string,
  workerId: string,
  search: number | null,
  parents: string[] = [],
): CandidateRecord {
  const ref = { sha256: 'a'.repeat(64), size: 1 };
  return {
    id,
    jobId: `j${id.slice(1)}`,
    operator: parents.length ? 'mutate' : 'draft',
    parents,
    attempt: 1,
    workerId,
    debugDepth: 0,
    code: ref,
    artifacts: {},
    output: ref,
    scores: { valid: search !== null, search, details: { direction: 'minimize' } },
    timings: { startedAt: 0, submittedAt: 0, evaluatedAt: 0, activeMs: 0 },
  };
}

/** Two workers on a minimise run: w1 finishes j0001 (score 5) and starts j0003 (a mutation); w2 still runs j0002. */
function events(): JournalEvent[] {
  const T = 1_000_000;
  return [
    ev(T, 0, {
      type: 'run.started',
      studyId: 's',
      runId: 'r-s0',
      seed: 0,
      competition: 'mini-diabetes',
      policy: 'evolution',
      search: {},
      direction: 'maximize',
    }),
    ev(T, 0, { type: 'worker.joined', workerId: 'w1', info: { address: 'a', source: 'local' } }),
    ev(T, 0, { type: 'worker.joined', workerId: 'w2', info: { address: 'b', source: 'local' } }),
    ev(T, 0, {
      type: 'job.created',
      job: { id: 'j0001', index: 1, operator: 'draft', parents: [], seed: 1, debugDepth: 0 },
    }),
    ev(T, 0, {
      type: 'job.created',
      job: { id: 'j0002', index: 2, operator: 'draft', parents: [], seed: 2, debugDepth: 0 },
    }),
    ev(T, 10, { type: 'attempt.started', jobId: 'j0001', attempt: 1, workerId: 'w1' }),
    ev(T, 10, { type: 'attempt.started', jobId: 'j0002', attempt: 1, workerId: 'w2' }),
    ev(T + 1_000, 1_000, {
      type: 'exec.started',
      jobId: 'j0002',
      attempt: 1,
      workerId: 'w2',
      sessionId: 'x',
      execId: 'e1',
      kind: 'python',
      label: 'template:run',
      log: 'l',
    }),
    ev(T + 5_000, 5_000, { type: 'attempt.submitted', jobId: 'j0001', attempt: 1, workerId: 'w1' }),
    ev(T + 5_100, 5_100, { type: 'candidate.added', candidate: candidate('c0001', 'w1', 5) }),
    ev(T + 5_200, 5_200, {
      type: 'job.created',
      job: { id: 'j0003', index: 3, operator: 'mutate', parents: ['c0001'], seed: 3, debugDepth: 0 },
    }),
    ev(T + 5_300, 5_300, { type: 'attempt.started', jobId: 'j0003', attempt: 1, workerId: 'w1' }),
  ];
}

describe('the live view', () => {
  it('shows per worker what it runs and for how long, per competition jobs done, best search and time left', () => {
    const s = new LiveState(
      [
        { runId: 'r-s0', competition: 'mini-diabetes' },
        { runId: 'q-s0', competition: 'mini-fortunes' },
      ],
      60_000,
      1_000_000,
    );
    s.setStudy('study-1', '/x', [], 60_000);
    for (const e of events()) s.apply('r-s0', e);
    const screen = renderScreen(s, 1_000_000 + 8_300, 120).join('\n');
    expect(screen).toMatch(/^mini-diabetes\s+running\s+1\s+1\s+5 \(c0001\)\s+51\.7s$/m); // 60 s − (5.3 s + 3 s since)
    expect(screen).toMatch(/^mini-fortunes\s+waiting\s+0\s+0\s+–\s+–$/m);
    expect(screen).toMatch(/^w1\s+r-s0 j0003 mutate\(c0001\)\s+3\.00s$/m);
    expect(screen).toMatch(/^w2\s+r-s0 j0002 draft · template:run 7\.30s\s+8\.30s$/m);
    // A lower search score is better here: a worse later score does not replace the best.
    s.apply(
      'r-s0',
      ev(1_009_000, 9_000, { type: 'candidate.added', candidate: candidate('c0002', 'w2', 7) }),
    );
    s.apply(
      'r-s0',
      ev(1_009_000, 9_000, { type: 'attempt.submitted', jobId: 'j0002', attempt: 1, workerId: 'w2' }),
    );
    s.apply('r-s0', ev(1_010_000, 10_000, { type: 'run.ended', reason: 'budget', finalPick: null }));
    const after = renderScreen(s, 1_011_000, 120).join('\n');
    expect(after).toMatch(/^mini-diabetes\s+ended \(budget\)\s+2\s+2\s+5 \(c0001\)\s+–$/m);
    expect(after).toMatch(/^w2\s+idle \(1 done\)$/m);
    expect(after).toMatch(/^w1\s+idle \(1 done\)$/m);
  });

  it("counts a resumed study's earlier events for its runs, not for workers that are gone", () => {
    const s = new LiveState([{ runId: 'r-s0', competition: 'mini-diabetes' }], 60_000);
    for (const e of events()) s.apply('r-s0', e, true);
    const run = s.runs.get('r-s0')!;
    expect(run).toMatchObject({ state: 'waiting', jobs: 3, candidates: 1, best: { id: 'c0001', score: 5 } });
    expect(s.workers.size).toBe(0);
  });

  it('cuts lines to the terminal width', () => {
    const s = new LiveState();
    for (const e of events()) s.apply('a-very-long-run-id-that-goes-on-s0', e);
    for (const line of renderScreen(s, Date.now(), 40)) expect(line.length).toBeLessThanOrEqual(40);
  });

  it('picks live on a terminal, lines elsewhere, and obeys --json and --quiet', () => {
    expect(progressMode({}, { isTTY: true }, {})).toBe('live');
    expect(progressMode({}, { isTTY: false }, {})).toBe('lines');
    expect(progressMode({}, { isTTY: true }, { CI: 'true' })).toBe('lines');
    expect(progressMode({ json: true, quiet: true }, { isTTY: true }, {})).toBe('json');
    expect(progressMode({ quiet: true }, { isTTY: true }, {})).toBe('quiet');
  });

  it('writes plain lines, JSON lines, or nothing', () => {
    const run = (mode: 'lines' | 'json' | 'quiet') => {
      const out = new PassThrough();
      const err = new PassThrough();
      const p = createProgress(mode, {
        out: out as unknown as NodeJS.WriteStream,
        err: err as unknown as NodeJS.WriteStream,
      });
      for (const e of events()) p.onEvent('r-s0', e);
      p.close();
      return { out: String(out.read() ?? ''), err: String(err.read() ?? '') };
    };
    const lines = run('lines');
    expect(lines.out).toBe('');
    expect(lines.err.trim().split('\n')).toEqual([
      '[r-s0 0ms] started (mini-diabetes, evolution)',
      '[r-s0 5.10s] c0001 draft on w1: score 5',
    ]);
    const json = run('json');
    const parsed = json.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { run: string; type: string });
    expect(parsed).toHaveLength(events().length);
    expect(parsed.every((p) => p.run === 'r-s0')).toBe(true);
    expect(parsed.map((p) => p.type)).toContain('candidate.added');
    expect(run('quiet')).toEqual({ out: '', err: '' });
  });

  it('keeps other output above the live block and redraws the block under it', () => {
    const err = Object.assign(new PassThrough(), {
      isTTY: true,
      columns: 100,
    }) as unknown as NodeJS.WriteStream;
    const p = createProgress('live', { out: new PassThrough() as unknown as NodeJS.WriteStream, err });
    p.onReady({ studyId: 'study-1', dir: '/nonexistent', workers: [{ id: 'w1' }] });
    const first = String(err.read());
    const height = first.trimEnd().split('\n').length;
    expect(first).toContain('aira study study-1 · 1 worker(s)');
    err.write('aira: WARNING: something\n');
    const second = String(err.read());
    // Erase the block (cursor up its height, clear), print the line, draw the block again.
    expect(second.startsWith(`\x1b[${height}F\x1b[J`)).toBe(true);
    expect(second).toContain('aira: WARNING: something\naira study study-1');
    p.close();
    err.write('after\n');
    expect(String(err.read()).endsWith('after\n')).toBe(true);
  });
});

describe('the resume hint', () => {
  it('is a command the user can type: npm start -- --resume under npm start, else aira run --resume', () => {
    expect(resumeCommand('s1', undefined, { npm_lifecycle_event: 'start' })).toBe('npm start -- --resume s1');
    expect(resumeCommand('s1', '/tmp/r', {})).toBe('aira run --resume s1 --out /tmp/r');
  });
});
