import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTokenFile } from '@aira/protocol';
import { spawnWorkerProcess } from '@aira/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from './server.js';
import { createSyntheticStudy, populate } from './synthetic.js';

let root = '';
let dash: Dashboard | null = null;
afterEach(async () => {
  await dash?.close();
  dash = null;
  if (root) rmSync(root, { recursive: true, force: true });
});

function tmp(): string {
  root = mkdtempSync(join(tmpdir(), 'aira-dash-'));
  return join(root, 'runs');
}

async function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(new URL(path, dash!.url), { headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

/** Reads server-sent events until `stop` says so (or the stream ends); returns the events and closes. */
async function readEvents(
  url: string,
  headers: Record<string, string>,
  stop: (events: Array<{ id: string; event: string; data: string }>) => boolean,
) {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const events: Array<{ id: string; event: string; data: string }> = [];
  const decoder = new TextDecoder();
  let buf = '';
  const reader = res.body!.getReader();
  while (!stop(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const e = { id: '', event: 'message', data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) e.id = line.slice(4);
        else if (line.startsWith('event: ')) e.event = line.slice(7);
        else if (line.startsWith('data: ')) e.data = line.slice(6);
      }
      if (e.data || e.event !== 'message') events.push(e);
    }
  }
  ac.abort();
  return events;
}

const text = (events: Array<{ event: string; data: string }>) =>
  events
    .filter((e) => e.event === 'message')
    .map((e) => JSON.parse(e.data) as string)
    .join('');

describe('aira serve: the dashboard server', () => {
  it('answers the study pages from a finished study: list, study with pick and plot, workers, population, candidate with its parents', async () => {
    const runs = tmp();
    const {
      runs: [run],
    } = createSyntheticStudy(runs, { studyId: '20260101-000000-done', competitions: ['toy'] });
    populate(run!, 12, { withCode: true });
    run!.end();
    dash = await startDashboard({ runsDir: runs, port: 0 });
    expect(dash.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const list = await get('/api/studies');
    expect(list.status).toBe(200);
    expect(list.body.studies).toHaveLength(1);
    expect(list.body.studies[0]).toMatchObject({
      id: '20260101-000000-done',
      state: 'ended',
      agent: 'template',
      errors: 0,
    });

    const study = await get('/api/study?id=20260101-000000-done');
    const r = study.body.runs[0];
    expect(r).toMatchObject({ runId: 'toy-s0', state: 'ended', candidates: 12, error: null });
    expect(r.pick.candidateId).toMatch(/^c\d{4}$/);
    expect(r.plot.layer.length).toBeGreaterThan(0);

    const pop = await get('/api/population?id=20260101-000000-done&run=toy-s0');
    expect(pop.body.nodes).toHaveLength(12);
    expect(pop.body.pick).toBe(r.pick.candidateId);

    const child = pop.body.nodes.find((n: { parents: string[] }) => n.parents.length > 0);
    const cand = await get(`/api/candidate?id=20260101-000000-done&run=toy-s0&candidate=${child.id}`);
    expect(cand.status).toBe(200);
    expect(cand.body.code).toContain(`# candidate ${Number(child.id.slice(1))}:`);
    expect(cand.body.parents[0].code).toContain('import numpy');
    expect(cand.body.lineage[0].id).toBe(child.id);
    expect(cand.body.job.steps.length).toBeGreaterThan(0);

    const workers = await get('/api/workers?id=20260101-000000-done');
    expect(workers.body.runs[0].workers.map((w: { id: string }) => w.id)).toEqual(['w1', 'w2']);
    expect((await get('/api/candidate?id=20260101-000000-done&run=toy-s0&candidate=c9999')).status).toBe(404);
  });

  it('shows a study in progress run by another process: workers with their current job and elapsed time, lost ones with the reason', async () => {
    const runs = tmp();
    const {
      dir,
      runs: [run],
    } = createSyntheticStudy(runs, { studyId: 's-live', competitions: ['toy'] });
    populate(run!, 3);
    writeFileSync(
      join(dir, 'coordinator.json'),
      JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() }),
    );
    dash = await startDashboard({ runsDir: runs, port: 0 });
    expect((await get('/api/study?id=s-live')).body.state).toBe('running');
    const job = run!.startJob('mutate', ['c0003'], 'w2');
    run!.event({ type: 'worker.lost', workerId: 'w1', reason: 'no heartbeat for 30s' });
    const w = (await get('/api/workers?id=s-live')).body.runs[0].workers;
    expect(w[0]).toMatchObject({
      id: 'w1',
      status: 'lost',
      lost: { reason: 'no heartbeat for 30s' },
      current: null,
    });
    expect(w[1]).toMatchObject({
      id: 'w2',
      status: 'up',
      current: { jobId: job.jobId, operator: 'mutate', exec: { execId: job.execId, label: 'solution' } },
    });
    expect(w[1].current.elapsedMs).toBeGreaterThanOrEqual(0);
    // A coordinator on another machine (shared file system) counts as running while its journal moves.
    writeFileSync(
      join(dir, 'coordinator.json'),
      JSON.stringify({ pid: 1, hostname: 'another-host', startedAt: new Date().toISOString() }),
    );
    expect((await get('/api/study?id=s-live')).body.state).toBe('running');
    utimesSync(run!.journal, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    expect((await get('/api/study?id=s-live')).body.state).toBe('interrupted');
    // The coordinator goes away without ending the run: interrupted, nothing shown as running.
    rmSync(join(dir, 'coordinator.json'));
    expect((await get('/api/study?id=s-live')).body.state).toBe('interrupted');
    expect((await get('/api/workers?id=s-live')).body.runs[0].workers[1]).toMatchObject({
      status: 'released',
      current: null,
    });
  });

  it("shows a running worker's live CPU and memory use, asked of the worker itself with the study's token", async () => {
    const runs = tmp();
    const {
      dir,
      runs: [run],
    } = createSyntheticStudy(runs, { studyId: 's-telemetry', competitions: ['toy'] });
    ensureTokenFile(join(dir, 'token'));
    const worker = await spawnWorkerProcess({
      args: ['--workdir', join(root, 'w'), '--token-file', join(dir, 'token'), '--sandbox', 'off'],
      stderr: 'ignore',
    });
    try {
      run!.event({
        type: 'worker.joined',
        workerId: 'w1',
        info: { address: worker.address, source: 'hosts' },
      });
      writeFileSync(
        join(dir, 'coordinator.json'),
        JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() }),
      );
      dash = await startDashboard({ runsDir: runs, port: 0 });
      let t: {
        sample: { cpuPercent: number; memoryTotalBytes: number; memoryUsedBytes: number } | null;
        error: string | null;
      } | null = null;
      for (let i = 0; i < 100 && !t?.sample; i++) {
        t = (await get('/api/workers?id=s-telemetry')).body.runs[0].workers[0].telemetry;
        if (!t?.sample) await new Promise((r) => setTimeout(r, 200));
      }
      expect(t!.sample!.memoryTotalBytes).toBeGreaterThan(t!.sample!.memoryUsedBytes);
      expect(t!.sample!.cpuPercent).toBeGreaterThanOrEqual(0);
    } finally {
      await dash?.close();
      dash = null;
      await worker.stop();
    }
    // A worker that is gone says so instead of hanging the page.
    dash = await startDashboard({ runsDir: runs, port: 0 });
    let t: { sample: unknown; error: string | null } | null = null;
    for (let i = 0; i < 100 && !t?.error; i++) {
      t = (await get('/api/workers?id=s-telemetry')).body.runs[0].workers[0].telemetry;
      if (!t?.error) await new Promise((r) => setTimeout(r, 200));
    }
    expect(t!.error).toMatch(new RegExp(`worker ${worker.address}`));
  }, 60_000);

  it('shows an ablation study: Table 1 and Table 2 rows and the three plots, from its cells', async () => {
    const runs = tmp();
    const dir = join(runs, '20260104-000000-abl');
    const cells = ['full', 'no-hce'].flatMap((variant) =>
      [0, 1].map((seed) => ({
        cellId: `${variant}--toy--s${seed}`,
        variant,
        competition: 'toy',
        seed,
        localWorkers: 1,
        fingerprint: 'f',
      })),
    );
    const variant = (name: string) => ({
      name,
      overrides: {},
      localWorkers: 1,
      policy: 'evolution',
      hce: 'on',
      agent: 'template',
      perExecMs: 60_000,
      budgetMs: 60_000,
      maxJobs: null,
    });
    mkdirSync(dir, { recursive: true });
    const matrix = {
      file: null,
      name: 'abl',
      competitions: ['toy'],
      seeds: [0, 1],
      budgetMs: 60_000,
      checkpoints: [{ label: '100%', ms: 60_000 }],
      hash: 'h',
      variants: [variant('full'), variant('no-hce')],
      launcher: { kind: 'local' },
    };
    writeFileSync(
      join(dir, 'ablation.json'),
      JSON.stringify({
        format: 'aira.ablation/1',
        studyId: '20260104-000000-abl',
        createdAt: '2026-01-04T00:00:00Z',
        updatedAt: '2026-01-04T00:00:00Z',
        matrix,
        cells,
        launches: [],
      }),
    );
    for (const c of cells) {
      const {
        runs: [run],
      } = createSyntheticStudy(dir, { studyId: c.cellId, competitions: ['toy'], seed: c.seed });
      populate(run!, c.variant === 'full' ? 6 : 3);
      run!.end();
    }
    dash = await startDashboard({ runsDir: runs, port: 0 });
    const list = await get('/api/studies');
    expect(list.body.studies[0]).toMatchObject({
      id: '20260104-000000-abl',
      kind: 'ablation',
      cells: 4,
      variants: ['full', 'no-hce'],
    });
    const abl = await get('/api/ablation?id=20260104-000000-abl');
    expect(abl.status, JSON.stringify(abl.body).slice(0, 300)).toBe(200);
    expect(abl.body.report.table1.map((r: { variant: string; n: number }) => [r.variant, r.n])).toEqual([
      ['full', 2],
      ['no-hce', 2],
    ]);
    expect(abl.body.report.table2.length).toBe(2);
    expect(Object.keys(abl.body.plots)).toEqual(['prOverTime', 'fig3', 'testOverTime']);
    // Each cell is a study of its own, reachable by its path under the runs folder.
    expect(abl.body.cells[0].study).toBe('20260104-000000-abl/full--toy--s0');
    expect(
      (await get(`/api/study?id=${encodeURIComponent(abl.body.cells[0].study)}`)).body.runs[0].runId,
    ).toBe('toy-s0');
  });

  it('shows what a corrupt journal holds before the bad line, and one error naming the file and line for the rest', async () => {
    const runs = tmp();
    const {
      runs: [run],
    } = createSyntheticStudy(runs, { studyId: 's-corrupt', competitions: ['toy'] });
    populate(run!, 3);
    const lines = readFileSync(run!.journal, 'utf8').split('\n').length - 1;
    appendFileSync(run!.journal, '{"seq": this is not json\n');
    populate(run!, 2); // more events after the bad line: never shown
    dash = await startDashboard({ runsDir: runs, port: 0 });
    const study = await get('/api/study?id=s-corrupt');
    expect(study.status).toBe(200);
    const r = study.body.runs[0];
    expect(r.candidates).toBe(3);
    expect(r.error).toBe(
      `journal ${run!.journal}:${lines + 1}: not a JSON event (the journal is corrupt here; events before it are shown)`,
    );
    expect((await get('/api/studies')).body.studies[0].errors).toBe(1);
  });

  it('refuses requests for anything outside the runs folder', async () => {
    const runs = tmp();
    createSyntheticStudy(runs, { studyId: 's1', competitions: ['toy'] });
    mkdirSync(join(root, 'outside'), { recursive: true });
    writeFileSync(join(root, 'outside', 'study.json'), JSON.stringify({ studyId: 'x', runs: [] }));
    symlinkSync(join(root, 'outside'), join(runs, 'sneaky'));
    dash = await startDashboard({ runsDir: runs, port: 0 });
    for (const id of ['../outside', '/etc', `${root}/outside`, 'sneaky', 's1/../../outside']) {
      const r = await get(`/api/study?id=${encodeURIComponent(id)}`);
      expect(r.status, id).toBe(403);
      expect(r.body.error).toMatch(/outside the runs folder/);
    }
    expect((await get('/api/workers?id=..')).status).toBe(403);
    // A name other than loopback's (DNS rebinding) is refused when no token guards the server.
    const withHost = (host: string) =>
      new Promise<number>((ok, fail) =>
        request({ host: '127.0.0.1', port: dash!.port, path: '/api/studies', headers: { host } }, (res) =>
          ok(res.resume().statusCode!),
        )
          .on('error', fail)
          .end(),
      );
    expect(await withHost('evil.example:80')).toBe(403);
    expect(await withHost(`localhost:${dash.port}`)).toBe(200);
    expect(await withHost(`[::1]:${dash.port}`)).toBe(200);
    // The static files are kept inside the app's own folder the same way.
    const res = await fetch(`${dash.url}..%2f..%2f..%2fpackage.json`);
    expect([403, 404, 503]).toContain(res.status);
    expect(await res.text()).not.toContain('"name"');
  });

  it('asks for the token on a non-loopback address: 401 to everything without it', async () => {
    const runs = tmp();
    createSyntheticStudy(runs, { studyId: 's1', competitions: ['toy'] });
    await expect(startDashboard({ runsDir: runs, host: '0.0.0.0', port: 0 })).rejects.toThrow(
      /not a loopback address: a token is required/,
    );
    const taken = await startDashboard({ runsDir: runs, port: 0 });
    await expect(startDashboard({ runsDir: runs, port: taken.port })).rejects.toThrow(
      `port ${taken.port} on 127.0.0.1 is already in use`,
    );
    await taken.close();
    dash = await startDashboard({ runsDir: runs, host: '0.0.0.0', port: 0, token: 'sekret-token' });
    const base = `http://127.0.0.1:${dash.port}`;
    for (const p of [
      '/',
      '/api/studies',
      '/api/study?id=s1',
      '/index.html',
      '/api/log?id=s1&run=toy-s0&exec=x',
    ]) {
      const res = await fetch(base + p);
      expect(res.status, p).toBe(401);
    }
    expect((await fetch(`${base}/api/studies`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(
      401,
    );
    expect(
      (await fetch(`${base}/api/studies`, { headers: { authorization: 'Bearer sekret-token' } })).status,
    ).toBe(200);
    // A browser opens the URL with ?token= once and carries a cookie after.
    const first = await fetch(`${base}/api/studies?token=sekret-token`);
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${base}/api/studies`, { headers: { cookie } })).status).toBe(200);
  });

  it('streams a live exec as server-sent events and resumes after a reconnect from Last-Event-ID, no line lost or doubled', async () => {
    const runs = tmp();
    const {
      runs: [run],
    } = createSyntheticStudy(runs, { studyId: 's-live', competitions: ['toy'] });
    populate(run!, 1);
    const job = run!.startJob('mutate', ['c0001'], 'w1');
    for (let i = 1; i <= 3; i++) run!.output(job, `epoch ${i} loss ${1 / i}\n`);
    run!.output(job, 'half a li'); // a line still being written
    run!.event({
      type: 'job.created',
      job: { id: 'jx', index: 99, operator: 'draft', parents: [], seed: 1, debugDepth: 0 },
    });
    run!.event({ type: 'attempt.started', jobId: 'jx', attempt: 1, workerId: 'w2' });
    run!.event({
      type: 'exec.started',
      jobId: 'jx',
      attempt: 1,
      workerId: 'w2',
      sessionId: 's',
      execId: 'jx.x1',
      kind: 'bash',
      label: 'solution',
      log: '/etc/hostname',
    });
    run!.event({
      type: 'exec.finished',
      jobId: 'jx',
      attempt: 1,
      execId: 'jx.x1',
      exitCode: 0,
      signal: '',
      durationMs: 1,
      reason: '',
      startedAt: 0,
    });
    mkdirSync(join(run!.dir, 'jobs', 'jx', 'a1'), { recursive: true });
    writeFileSync(join(run!.dir, 'jobs', 'jx', 'a1', 'jx.x1.log'), 'mine\n');
    dash = await startDashboard({ runsDir: runs, port: 0, pollMs: 50 });
    const url = `${dash.url}api/log?id=s-live&run=toy-s0&exec=${encodeURIComponent(job.execId)}`;

    const first = await readEvents(url, {}, (ev) => text(ev).includes('epoch 3'));
    const lastId = first[first.length - 1]!.id;
    expect(text(first)).toBe('epoch 1 loss 1\nepoch 2 loss 0.5\nepoch 3 loss 0.3333333333333333\n');

    run!.output(job, 'ne\n');
    for (let i = 4; i <= 6; i++) run!.output(job, `epoch ${i}\n`);
    run!.finishJob(job, 0.7);
    const second = await readEvents(url, { 'last-event-id': lastId }, (ev) =>
      ev.some((e) => e.event === 'end'),
    );
    expect(text(first) + text(second)).toBe(readFileSync(job.log, 'utf8'));
    expect(second[second.length - 1]!.event).toBe('end');

    // A fresh view of a long log starts at a whole line near its end and says how much it skipped.
    const long = run!.startJob('mutate', ['c0001'], 'w1');
    for (let i = 0; i < 500; i++) run!.output(long, `step ${String(i).padStart(4, '0')} ok\n`);
    run!.finishJob(long, 0.6);
    const tailed = await readEvents(
      `${dash.url}api/log?id=s-live&run=toy-s0&exec=${encodeURIComponent(long.execId)}&tail=100`,
      {},
      (ev) => ev.some((e) => e.event === 'end'),
    );
    const skipped = JSON.parse(tailed.find((e) => e.event === 'skipped')!.data).bytes as number;
    expect(readFileSync(long.log, 'utf8').slice(skipped)).toBe(text(tailed));
    expect(text(tailed).startsWith('step 04')).toBe(true);
    expect(text(tailed).length).toBeLessThanOrEqual(100);

    // A log path the journal names outside the run folder is not followed: the run's own is read.
    const third = await readEvents(`${dash.url}api/log?id=s-live&run=toy-s0&exec=jx.x1`, {}, (ev) =>
      ev.some((e) => e.event === 'end'),
    );
    expect(text(third)).toBe('mine\n');
  });
});
