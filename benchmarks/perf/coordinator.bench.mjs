// Coordinator figures. coordinator.dispatch: dispatch latency (a worker slot frees → the next job's
// first exec runs on that worker) p50/p99 beside a gRPC unary round trip, and the occupancy of 8
// workers under a saturating load of jobs that sleep 50–500 ms (slots, and the execs' share).
// coordinator.scale (opt-in): coordinator CPU per dispatched job with 256 workers served by this
// one process, beside the CPU of a unary call.
//
// Everything is real: `aira worker` daemons (8 processes) for the dispatch figures; for the 256
// workers, real WorkerDaemon gRPC servers, 64 to a helper process (256 node processes would need
// ~13 GB), so that this process's CPU time is the coordinator's alone. Jobs are bash scripts that
// only sleep, so the figures are the scheduler's, not the CPU's.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const SLEEP_SCRIPT = `#!/bin/bash
# sleeps 50-500 ms, chosen by the job's seed
ms=$(( 50 + AIRA_JOB_SEED % 451 ))
sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
echo "score: $ms"
`;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

const DISPATCH_P99_GOAL_MS = 20;
const EXEC_SHARE_GOAL = 90;

/**
 * The file system a folder is on, as the figures depend on it: "ext4 without a journal" makes
 * every new file or folder step past the inodes freed in the last minutes (docs/dispatch.md).
 */
function fileSystemOf(dir) {
  try {
    const path = realpathSync(dir);
    let best = { mount: '', type: '?', source: '' };
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const [left, right] = line.split(' - ');
      if (!right) continue;
      const mount = left.split(' ')[4].replace(/\\040/g, ' ');
      const inside = path === mount || path.startsWith(mount.endsWith('/') ? mount : `${mount}/`);
      if (inside && mount.length >= best.mount.length) {
        const [type, source] = right.split(' ');
        best = { mount, type, source };
      }
    }
    if (best.type !== 'ext4') return best.type;
    const journal = readFileSync(`/sys/fs/ext4/${basename(best.source)}/journal_task`, 'utf8').trim();
    return journal === '<none>' ? 'ext4 without a journal' : 'ext4';
  } catch {
    return 'file system unknown';
  }
}

/** The coordinator and protocol packages, a temporary folder and a token, for the duration of `fn`. */
async function withSetup(root, fn) {
  const mod = (p) => import(pathToFileURL(join(root, p)).href);
  const coord = await mod('packages/coordinator/dist/index.js');
  const protocol = await mod('packages/protocol/dist/index.js');
  const tmp = mkdtempSync(join(tmpdir(), 'aira-coord-bench-'));
  const stops = [];
  try {
    const tokenFile = join(tmp, 'token');
    const token = protocol.ensureTokenFile(tokenFile);
    await fn({ coord, protocol, tmp, tokenFile, token, stops });
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** 8 `aira worker` daemons: dispatch latency, slot occupancy and the execs' share of the window. */
async function dispatch({ report, goal, root, rounds: ctxRounds, workerDir }) {
  await withSetup(root, async ({ coord, protocol, tmp, tokenFile, token, stops }) => {
    const bin = join(root, 'packages/cli/bin/aira.js');
    const script = join(tmp, 'sleep.sh');
    writeFileSync(script, SLEEP_SCRIPT, { mode: 0o755 });
    const launcher = coord.cliWorkerLauncher(bin, ['--log-level', 'warn']);
    // The workers' folders: beside the study (one disk for all), or where --worker-dir says.
    const workerRoot = workerDir ? mkdtempSync(join(workerDir, 'aira-bench-workers-')) : tmp;
    if (workerDir) stops.push(async () => rmSync(workerRoot, { recursive: true, force: true }));
    const eight = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        launcher({
          index,
          tokenFile,
          workdir: join(workerRoot, `w${index}`),
          logFile: join(tmp, `w${index}.log`),
        }),
      ),
    );
    stops.push(() => Promise.all(eight.map((w) => w.stop())));
    const hosts8 = join(tmp, 'hosts8');
    writeFileSync(hosts8, eight.map((w) => w.address).join('\n'));

    // Baseline: a unary round trip (Describe) to one of the same workers, from this process.
    const { connection } = await protocol.WorkerConnection.connect({ address: eight[0].address, token });
    const rtts = [];
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      await connection.unary('describe', {});
      rtts.push(performance.now() - t0);
    }
    const unaryP50 = quantile(rtts, 0.5);
    connection.close();

    // Each round is a study of its own on the same workers (same seed, so the same jobs); the
    // hand-overs of all rounds are pooled (--rounds N, default 2).
    const jobs8 = 8 * 25;
    const rounds = ctxRounds ?? 2;
    const workerCpu0 = eight.map((w) => processCpuMs(w.pid));
    const measured = [];
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    for (let r = 0; r < rounds; r++) {
      const res8 = await coord.runStudy(
        coord.RunConfig.parse({
          out: join(tmp, `runs8-${r}`),
          agent: { script },
          budget: { maxJobs: jobs8 },
          workers: { spec: [`hosts:${hosts8}`], tokenFile },
        }),
        { tickMs: 600_000 },
      );
      measured.push(measure(coord.readJournal(join(res8.dir, res8.runs[0].runId, 'journal.jsonl')).events));
    }
    loopDelay.disable();
    const workerCpu = eight.reduce((n, w, i) => n + processCpuMs(w.pid) - workerCpu0[i], 0);
    const m = pool(measured);
    report(
      'coordinator.dispatch.p50',
      m.dispatch.p50,
      'ms',
      `slot free → next job's first exec started on that worker (${m.dispatch.n} hand-overs)`,
    );
    report('coordinator.dispatch.p99', m.dispatch.p99, 'ms', 'same, 99th percentile');
    // Where the slowest hand-overs spent their time: the figures above say how many, this says why.
    for (const h of m.slowest)
      console.log(
        `  slow hand-over ${h.total} ms (${h.at} ms into the round, ${h.overlapping} other hand-overs at once): ${PHASES.map((p, k) => `${p} ${h.phases[k]}`).join(', ')}`,
      );
    for (const [phase, st] of Object.entries(m.phases))
      report(
        `coordinator.dispatch.phase.${phase}`,
        st.mean,
        'ms',
        `mean (p50/p99 ${st.p50.toFixed(1)}/${st.p99.toFixed(1)})`,
      );
    report(
      'coordinator.dispatch.phase.tail',
      m.tail.mean,
      'ms',
      `exec ended → slot free, mean (p50/p99 ${m.tail.p50.toFixed(1)}/${m.tail.p99.toFixed(1)})`,
    );
    report(
      'coordinator.dispatch.alone.p99',
      m.alone.p99,
      'ms',
      `hand-overs while no other worker was handing over (${m.alone.n} of ${m.dispatch.n}; p50 ${m.alone.p50} ms)`,
    );
    report(
      'coordinator.dispatch.event_loop_delay.p99',
      loopDelay.percentile(99) / 1e6,
      'ms',
      `the coordinator's event-loop delay during the runs (p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms)`,
    );
    report(
      'coordinator.dispatch.worker_cpu_per_job',
      workerCpu / (jobs8 * rounds),
      'ms',
      "the worker daemons' own CPU (user+sys, not the jobs') per job",
    );
    report(
      'coordinator.dispatch.unary_rtt.p50',
      unaryP50,
      'ms',
      'baseline: gRPC unary Describe round trip to the same worker',
    );
    report(
      'coordinator.dispatch.p50_over_unary',
      m.dispatch.p50 / unaryP50,
      'ratio',
      'dispatch p50 / unary round trip p50',
    );
    report(
      'coordinator.occupancy.8w',
      100 * m.occupancy,
      '%',
      `slot occupancy over the saturated window, ${jobs8} jobs sleeping 50–500 ms, ${rounds} rounds (limit 100%)`,
    );
    report(
      'coordinator.exec_occupancy.8w',
      100 * m.execOccupancy,
      '%',
      'share of that window the workers spent running execs (the rest: sessions, files, hand-over)',
    );
    goal(
      'dispatch latency, slot free → next exec (8 workers)',
      `p99 <= ${DISPATCH_P99_GOAL_MS} ms`,
      `p50/p99 ${m.dispatch.p50.toFixed(0)}/${m.dispatch.p99.toFixed(0)} ms (${(m.dispatch.p99 / unaryP50).toFixed(0)}x a unary round trip of ${unaryP50.toFixed(2)} ms; workers' folders ${workerDir ? `in ${workerDir}` : 'beside the study'}, ${fileSystemOf(workerRoot)})`,
      m.dispatch.p99 <= DISPATCH_P99_GOAL_MS,
    );
    goal(
      'exec share of the saturated window (8 workers, 50–500 ms jobs)',
      `>= ${EXEC_SHARE_GOAL} %`,
      `${(100 * m.execOccupancy).toFixed(1)} % (slot occupancy ${(100 * m.occupancy).toFixed(1)} %)`,
      100 * m.execOccupancy >= EXEC_SHARE_GOAL,
    );
  });
}

/**
 * Coordinator CPU per dispatched job with many workers served by this one process (default 256,
 * --scale-workers N), beside the CPU of a unary call. Opt-in: on a 2-core machine it takes minutes.
 */
async function scale({ report, root, scaleWorkers }) {
  const total = scaleWorkers || 256;
  await withSetup(root, async ({ coord, protocol, tmp, tokenFile, token, stops }) => {
    const perHost = 64;
    const hostCount = Math.ceil(total / perHost);
    const hostsProcs = await Promise.all(
      Array.from({ length: hostCount }, (_, h) =>
        startDaemonHost(root, Math.min(perHost, total - h * perHost), join(tmp, `host${h}`), tokenFile),
      ),
    );
    stops.push(() => Promise.all(hostsProcs.map((h) => h.stop())));
    const addresses = hostsProcs.flatMap((h) => h.addresses);

    // Baseline CPU: one small unary call's (ListSessions) client-side CPU in this process.
    const { connection } = await protocol.WorkerConnection.connect({ address: addresses[0], token });
    for (let i = 0; i < 50; i++) await connection.unary('listSessions', {});
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < 500; i++) await connection.unary('listSessions', {});
    const cpuUnary = cpuMs(process.cpuUsage(cpu0)) / 500;
    connection.close();

    const hostsFile = join(tmp, 'hosts');
    writeFileSync(hostsFile, addresses.join('\n'));
    const slow = join(tmp, 'slow.sh');
    writeFileSync(slow, '#!/bin/bash\nsleep 1.5\necho "score: 1"\n', { mode: 0o755 });
    const jobs = total * 3;
    const cpuStart = process.cpuUsage();
    const wall0 = performance.now();
    const res = await coord.runStudy(
      coord.RunConfig.parse({
        out: join(tmp, 'runs'),
        agent: { script: slow },
        budget: { maxJobs: jobs },
        // Probes every 60 s: the figure is the cost of dispatching; a health probe costs about one
        // small unary call per worker per heartbeat on top (256 workers at the default 5 s: ~51 calls/s).
        workers: { spec: [`hosts:${hostsFile}`], tokenFile, heartbeat: 60_000, lease: 300_000 },
      }),
      { tickMs: 600_000 },
    );
    const cpuJob = cpuMs(process.cpuUsage(cpuStart)) / res.runs[0].jobs;
    const wall = performance.now() - wall0;
    const events = coord.readJournal(join(res.dir, res.runs[0].runId, 'journal.jsonl')).events;
    const m = measure(events);
    report(
      `coordinator.cpu_per_job.${total}w`,
      cpuJob,
      'ms',
      `coordinator CPU (user+sys) per dispatched job, ${res.runs[0].jobs} jobs on ${total} workers in ${(wall / 1000).toFixed(1)} s`,
    );
    report(
      'coordinator.cpu_per_job.unary_cpu',
      cpuUnary,
      'ms',
      'baseline: client CPU of one small gRPC unary call (ListSessions) in this process',
    );
    report(
      'coordinator.cpu_per_job.over_unary',
      cpuJob / cpuUnary,
      'ratio',
      'CPU per job / CPU per unary call',
    );
    report(
      `coordinator.scale.occupancy.${total}w`,
      100 * m.occupancy,
      '%',
      `slot occupancy of the ${total} workers over the saturated window`,
    );
  });
}

export const parts = { dispatch, scale };
/** Parts that run only when named (or with --scale-workers). */
export const optIn = ['scale'];

const cpuMs = (u) => (u.user + u.system) / 1000;

const stats = (xs) => ({
  n: xs.length,
  p50: quantile(xs, 0.5),
  p99: quantile(xs, 0.99),
  mean: xs.reduce((a, b) => a + b, 0) / xs.length,
});

/** The rounds together: every hand-over of every round; occupancy averaged over rounds. */
function pool(rounds) {
  const all = (f) => rounds.flatMap(f);
  const avg = (f) => rounds.reduce((n, r) => n + f(r), 0) / rounds.length;
  return {
    dispatch: stats(all((r) => r.latencies)),
    phases: Object.fromEntries(PHASES.map((p) => [p, stats(all((r) => r.phases[p]))])),
    tail: stats(all((r) => r.tail)),
    alone: stats(all((r) => r.handovers.filter((h) => h.overlapping === 0).map((h) => h.total))),
    occupancy: avg((r) => r.occupancy),
    execOccupancy: avg((r) => r.execOccupancy),
    slowest: all((r) => r.handovers)
      .sort((a, b) => b.total - a.total)
      .slice(0, 5),
  };
}

/** CPU time (user+sys) of one process so far, from /proc/PID/stat (0 where unreadable). */
function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100; // USER_HZ, 100 on every Linux build aira targets

/** The hand-over, phase by phase: each ends at the journal event (or the worker's exec start) it names. */
const PHASES = [
  'proposed', // slot free (attempt.submitted) → job.created
  'attempt_started', // → attempt.started
  'session_opened', // → session.opened (a spare taken, or a session opened)
  'files_moved', // → exec.started (the job's files put into the session, the exec journaled)
  'exec_running', // → the worker says the exec started (the Exec call, the worker's start)
];

/** Dispatch latencies and occupancy from a run's journal (the coordinator's own record). */
function measure(events) {
  const starts = events.filter((e) => e.type === 'attempt.started');
  const submitted = new Map(
    events.filter((e) => e.type === 'attempt.submitted').map((e) => [`${e.jobId}/${e.attempt}`, e]),
  );
  // An attempt holds its worker until it is submitted, abandoned or cancelled.
  const ended = new Map();
  for (const e of events) {
    if (
      ['attempt.submitted', 'attempt.abandoned', 'attempt.cancelled'].includes(e.type) &&
      !ended.has(`${e.jobId}/${e.attempt}`)
    )
      ended.set(`${e.jobId}/${e.attempt}`, e.t);
  }
  const firstExec = new Map();
  const execs = [];
  for (const e of events) {
    if (e.type !== 'exec.finished') continue;
    const key = `${e.jobId}/${e.attempt}`;
    if (!firstExec.has(key) || e.startedAt < firstExec.get(key)) firstExec.set(key, e.startedAt);
    execs.push({ key, from: e.startedAt, to: e.startedAt + e.durationMs });
  }
  const byWorker = new Map();
  for (const s of starts) byWorker.set(s.workerId, [...(byWorker.get(s.workerId) ?? []), s]);
  // Phase marks of each attempt, from the journal's own times (`t`: when the coordinator wrote
  // the event, before its fsync) and the worker's exec start.
  const created = new Map(events.filter((e) => e.type === 'job.created').map((e) => [e.job.id, e.t]));
  const mark = (type) =>
    new Map(
      events
        .filter((e) => e.type === type)
        .map((e) => [`${e.jobId}/${e.attempt}`, e.t])
        .reverse(), // the first of each attempt wins
    );
  const opened = mark('session.opened');
  const execJournaled = mark('exec.started');
  const latencies = [];
  const handovers = [];
  const phases = Object.fromEntries(PHASES.map((p) => [p, []]));
  for (const list of byWorker.values()) {
    for (let i = 1; i < list.length; i++) {
      const prev = submitted.get(`${list[i - 1].jobId}/${list[i - 1].attempt}`);
      const key = `${list[i].jobId}/${list[i].attempt}`;
      const next = firstExec.get(key);
      if (!prev || next === undefined) continue;
      latencies.push(next - prev.t);
      // A job proposed before the slot freed (a re-run) counts from the slot.
      const proposed = Math.max(prev.t, created.get(list[i].jobId) ?? prev.t);
      const marks = [prev.t, proposed, list[i].t, opened.get(key), execJournaled.get(key), next];
      if (marks.some((m) => m === undefined)) continue;
      for (let k = 0; k < PHASES.length; k++) phases[PHASES[k]].push(marks[k + 1] - marks[k]);
      handovers.push({
        total: next - prev.t,
        at: prev.t - events[0].t,
        from: prev.t,
        to: next,
        phases: PHASES.map((_, k) => marks[k + 1] - marks[k]),
      });
    }
  }
  // How many other workers were handing over at the same time (does a slow one meet others?).
  for (const h of handovers)
    h.overlapping = handovers.filter((o) => o !== h && o.from < h.to && h.from < o.to).length;
  // The other end of a job: its exec's end → the slot is free (exec.finished journaled, files
  // fetched, attempt.submitted).
  const tail = [];
  for (const e of events) {
    if (e.type !== 'exec.finished') continue;
    const s = submitted.get(`${e.jobId}/${e.attempt}`);
    if (s) tail.push(s.t - (e.startedAt + e.durationMs));
  }
  const t0 = starts[0].t;
  const t1 = starts[starts.length - 1].t;
  const workers = byWorker.size;
  let busy = 0;
  for (const s of starts) {
    const end = ended.get(`${s.jobId}/${s.attempt}`) ?? t1;
    busy += Math.max(0, Math.min(end, t1) - Math.max(s.t, t0));
  }
  let execBusy = 0;
  for (const x of execs) execBusy += Math.max(0, Math.min(x.to, t1) - Math.max(x.from, t0));
  return {
    latencies,
    handovers,
    phases,
    tail,
    occupancy: busy / (workers * (t1 - t0)),
    execOccupancy: execBusy / (workers * (t1 - t0)),
  };
}

/** A helper process running `count` real WorkerDaemon servers; resolves with their addresses. */
function startDaemonHost(root, count, dir, tokenFile) {
  const workerDist = pathToFileURL(join(root, 'packages/worker/dist/index.js')).href;
  const code = `
    const { WorkerDaemon } = await import(${JSON.stringify(workerDist)});
    const daemons = [];
    for (let i = 0; i < ${count}; i++) {
      daemons.push(await WorkerDaemon.start({ options: { listen: '127.0.0.1:0', tokenFile: ${JSON.stringify(tokenFile)}, workdir: ${JSON.stringify(dir)} + '/w' + i } }));
    }
    process.stdout.write(JSON.stringify(daemons.map((d) => d.address)) + '\\n');
    process.on('SIGTERM', async () => { await Promise.all(daemons.map((d) => d.shutdown())); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        resolve({
          addresses: JSON.parse(buf.slice(0, nl)),
          stop: () =>
            new Promise((r) => {
              child.once('exit', r);
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`daemon host exited (${code}) before listening`)));
  });
}
