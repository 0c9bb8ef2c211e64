import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal, type JournalEvent } from '@aira/coordinator';
import { slurmSkipReason, startSlurm, type SlurmCluster } from '../test-support/slurm-cluster.js';

/**
 * aira on a real single-node Slurm (Debian's slurm-wlm and munge, started by the test in a temp
 * folder, CPU only, 4 slots): `--workers slurm` jobs whose workers phone home, one scancel'ed
 * mid-run and the coordinator killed and resumed, with every job's candidate at the end; bad
 * input in one line carrying Slurm's words, with the jobs cancelled; `aira ablate --launcher slurm`
 * as a job array; `aira launch slurm`; the coordinator as a requeued Slurm job. Afterwards no job
 * is queued and no process of the cluster's jobs is left. Budgets are a few jobs per study.
 */

const AIRA = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/aira.js');
const COORDINATOR_SBATCH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../deploy/slurm/coordinator.sbatch',
);
const uid = process.getuid?.() ?? 0;
const skip = slurmSkipReason();

interface Child {
  pid: number;
  code: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
}

async function until<T>(
  what: string,
  probe: () => T | undefined | null | false,
  ms = 180_000,
  detail: () => string = () => '',
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Processes whose command line mentions `needle` (e.g. a study folder: its workers' token file). */
function processesWith(needle: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle) && Number(pid) !== process.pid) out.push(`${pid} ${cmd}`);
    } catch {
      /* gone */
    }
  }
  return out;
}

const journalOf = (dir: string, run: string): JournalEvent[] =>
  existsSync(join(dir, run, 'journal.jsonl')) ? readJournal(join(dir, run, 'journal.jsonl')).events : [];
const jobsRecord = (dir: string) =>
  existsSync(join(dir, 'slurm/jobs.jsonl'))
    ? readFileSync(join(dir, 'slurm/jobs.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { jobId: string; action: string; state?: string })
    : [];

describe.skipIf(skip !== null)(`aira on a real Slurm${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let slurm: SlurmCluster;
  let root: string;
  let env: NodeJS.ProcessEnv;
  const aira = (args: string[]): Child => {
    const child = spawn(process.execPath, [AIRA, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return {
      pid: child.pid!,
      code: new Promise((done) => child.on('exit', (code) => done(code))),
      stdout: () => stdout,
      stderr: () => stderr,
    };
  };
  // Workers listen and dial on loopback; squeue is asked every second so a lost job is seen at once.
  const loopback = [
    '--set',
    'slurm.listen=127.0.0.1:0',
    '--set',
    'slurm.workerListen=127.0.0.1:0',
    '--set',
    'slurm.poll=1s',
    '--grace',
    '2s',
  ];

  beforeAll(async () => {
    slurm = await startSlurm({ cpus: 4 });
    root = mkdtempSync(join(tmpdir(), 'aira-slurm-study-'));
    env = {
      ...slurm.env,
      AIRA_MLEBENCH_DATA: join(tmpdir(), `aira-mini-data-${uid}`),
      AIRA_HCE_CACHE: join(tmpdir(), `aira-mini-hce-${uid}`),
    };
    delete env.CI;
  }, 120_000);

  afterAll(async () => {
    try {
      expect(slurm.jobs(), slurm.describeJobs()).toEqual([]);
      expect(processesWith(root)).toEqual([]);
      expect(slurm.leftovers()).toEqual([]);
    } finally {
      await slurm?.stop();
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);

  it('runs a study on two Slurm workers, survives a scancel mid-run and a killed coordinator (--resume), loses nothing, and cancels its jobs at the end', async () => {
    const out = join(root, 'runs');
    const first = aira([
      'run',
      '--competition',
      'mini-diabetes',
      '--preset',
      'quickstart',
      '--workers',
      'slurm:2',
      ...loopback,
      '--max-jobs',
      '6',
      '--budget',
      '5m',
      '--out',
      out,
    ]);
    const dir = await until(
      'the study folder',
      () => (existsSync(out) ? readdirSync(out).map((s) => join(out, s))[0] : undefined),
      120_000,
      first.stderr,
    );
    const runId = 'mini-diabetes-s0';
    // Both jobs' workers registered (the run journals them), then a first scored candidate.
    await until(
      'a first candidate',
      () => journalOf(dir, runId).some((e) => e.type === 'candidate.added'),
      240_000,
      first.stderr,
    );
    const submitted = jobsRecord(dir)
      .filter((r) => r.action === 'submitted')
      .map((r) => r.jobId);
    expect(submitted).toHaveLength(2);
    const joined = journalOf(dir, runId)
      .filter((e) => e.type === 'worker.joined')
      .map((e) => (e as { workerId: string }).workerId);
    expect(joined.map((w) => /^slurm-(\d+)\./.exec(w)?.[1]).sort()).toEqual([...submitted].sort());
    // A worker's job is taken away, as preemption or scancel would: SIGTERM, the worker drains, the job ends.
    const victim = submitted[0]!;
    expect(spawnSync('scancel', [victim], { env: slurm.env }).status).toBe(0);
    const replacement = await until(
      'a replacement submission',
      () => jobsRecord(dir).find((r) => r.action === 'submitted' && !submitted.includes(r.jobId))?.jobId,
      60_000,
      first.stderr,
    );
    await until(
      'the victim job to end',
      () => jobsRecord(dir).some((r) => r.jobId === victim && r.action === 'ended'),
      60_000,
      first.stderr,
    );
    expect(readFileSync(join(dir, 'slurm', `aira-worker-${victim}.out`), 'utf8')).toMatch(
      /shutting down: draining/,
    );
    // On a pipe the progress is plain lines, the job's end among them.
    await until(
      'the line saying so',
      () => new RegExp(`slurm job ${victim} ended: CANCELLED`).test(first.stderr()),
      30_000,
      first.stderr,
    );

    // The coordinator dies as a requeued Slurm job's would (SIGKILL); its jobs are still queued.
    process.kill(first.pid, 'SIGKILL');
    await first.code;
    const left = [submitted[1]!, replacement];
    expect(slurm.jobs().filter((j) => left.includes(j)).length).toBeGreaterThan(0);
    const studyId = dir.split('/').at(-1)!;
    const second = aira(['run', '--resume', studyId, '--out', out, '--quiet']);
    expect(await second.code, second.stderr()).toBe(0);

    const events = journalOf(dir, runId);
    expect(events.at(-1)).toMatchObject({ type: 'run.ended', reason: 'max-jobs' });
    // Nothing lost: every job proposed ended with a candidate.
    const jobs = events.filter((e) => e.type === 'job.created').length;
    const candidates = events.filter((e) => e.type === 'candidate.added').length;
    expect(jobs).toBe(6);
    expect(candidates).toBe(6);
    // The lost worker was seen through its job's end; the resumed coordinator cancelled the jobs
    // that dial its dead predecessor and submitted its own.
    expect(
      events.some(
        (e) =>
          e.type === 'worker.lost' && (e as { workerId: string }).workerId.startsWith(`slurm-${victim}.`),
      ),
    ).toBe(true);
    const slurmEvents = events.filter((e) => e.type === 'slurm.job') as Array<
      JournalEvent & { jobId: string; action: string; state?: string; reason?: string }
    >;
    expect(
      slurmEvents
        .filter((e) => e.action === 'submitted')
        .map((e) => e.jobId)
        .slice(0, 2),
    ).toEqual(submitted);
    expect(slurmEvents.find((e) => e.jobId === victim && e.action === 'ended')?.state).toBe('CANCELLED');
    for (const id of left) {
      const closed = slurmEvents.find(
        (e) => e.jobId === id && (e.action === 'cancelled' || e.action === 'ended'),
      );
      expect(closed, `job ${id} closed by the resumed coordinator`).toBeDefined();
    }
    const record = jobsRecord(dir);
    const resumedJobs = record
      .filter((r) => r.action === 'submitted')
      .map((r) => r.jobId)
      .filter((id) => !submitted.includes(id) && id !== replacement);
    expect(resumedJobs.length).toBeGreaterThanOrEqual(2);
    expect(
      events.some(
        (e) =>
          e.type === 'worker.joined' &&
          resumedJobs.some((id) => (e as { workerId: string }).workerId.startsWith(`slurm-${id}.`)),
      ),
    ).toBe(true);
    // At the end every job the study owned is cancelled (or had ended), and Slurm agrees.
    for (const id of record.filter((r) => r.action === 'submitted').map((r) => r.jobId)) {
      expect(
        record.some((r) => r.jobId === id && (r.action === 'cancelled' || r.action === 'ended')),
        `job ${id} closed`,
      ).toBe(true);
    }
    await until('squeue to be empty', () => slurm.jobs().length === 0, 60_000, slurm.describeJobs);
    await until(
      'no worker process left',
      () => processesWith(dir).length === 0,
      30_000,
      () => processesWith(dir).join('\n'),
    );
  }, 600_000);

  it("fails in one line with Slurm's words on a partition that does not exist, and leaves no job", async () => {
    const r = aira([
      'run',
      '--competition',
      'mini-diabetes',
      '--preset',
      'quickstart',
      '--workers',
      'slurm:2',
      ...loopback,
      '--partition',
      'nosuchpart',
      '--out',
      join(root, 'bad-partition'),
    ]);
    expect(await r.code).not.toBe(0);
    const line = r
      .stderr()
      .trim()
      .split('\n')
      .find((l) => l.includes('sbatch refused'));
    expect(line, r.stderr()).toMatch(
      /slurm: sbatch refused worker job 0 \(.*job-0\.sbatch\): invalid partition specified: nosuchpart/,
    );
    expect(slurm.jobs()).toEqual([]);
  }, 120_000);

  it("fails in one line with Slurm's words when sbatch refuses the script, and leaves no job", async () => {
    // A template with an option sbatch does not know.
    const template = join(root, 'bad.sbatch');
    writeFileSync(
      template,
      '#!/bin/bash\n#SBATCH --job-name={{job_name}}\n#SBATCH --output={{log_dir}}/%x-%j.out\n{{sbatch}}\n#SBATCH --no-such-option\nsrun {{aira}} worker --coordinator {{coordinator}} --token-file {{token_file}}\n',
    );
    const r = aira([
      'run',
      '--competition',
      'mini-diabetes',
      '--preset',
      'quickstart',
      '--workers',
      'slurm',
      ...loopback,
      '--sbatch-template',
      template,
      '--out',
      join(root, 'bad-script'),
    ]);
    expect(await r.code).not.toBe(0);
    expect(r.stderr(), r.stderr()).toMatch(
      /slurm: sbatch refused worker job 0 \(.*\): unrecognized option '--no-such-option'/,
    );
    expect(slurm.jobs()).toEqual([]);
  }, 120_000);

  it("names the missing workers and their job's state when they never arrive, and cancels the job", async () => {
    // More CPUs than the partition's node has: Slurm keeps the job pending.
    const out = join(root, 'never');
    const r = aira([
      'run',
      '--competition',
      'mini-diabetes',
      '--preset',
      'quickstart',
      '--workers',
      'slurm',
      ...loopback,
      '--cpus-per-gpu',
      '64',
      '--set',
      'workers.waitFor=5s',
      '--out',
      out,
    ]);
    expect(await r.code).not.toBe(0);
    const line = r
      .stderr()
      .split('\n')
      .find((l) => l.includes('no worker registered'));
    expect(line, r.stderr()).toMatch(
      /slurm: no worker registered within 5 s: job (\d+): 0\/1 worker\(s\) \(PENDING \(\w+\)\); jobs cancelled/,
    );
    const jobId = /job (\d+):/.exec(line!)![1]!;
    const squeue = spawnSync('squeue', ['-h', '-t', 'all', '-j', jobId, '-o', '%T'], {
      env: slurm.env,
      encoding: 'utf8',
    });
    expect(squeue.stdout.trim()).toBe('CANCELLED');
    expect(slurm.jobs()).toEqual([]);
  }, 120_000);

  it("fails at once, with the job's own last words, when a job dies before its workers come", async () => {
    const r = aira([
      'run',
      '--competition',
      'mini-diabetes',
      '--preset',
      'quickstart',
      '--workers',
      'slurm',
      ...loopback,
      '--container-wrapper',
      '/nonexistent/wrapper',
      '--out',
      join(root, 'broken'),
    ]);
    expect(await r.code).not.toBe(0);
    const line = r
      .stderr()
      .split('\n')
      .find((l) => l.startsWith('aira: slurm:'));
    expect(line, r.stderr()).toMatch(
      /slurm: no worker registered and every job ended: job \d+: 0\/1 worker\(s\) \(FAILED.*said: .*\/nonexistent\/wrapper: No such file or directory/,
    );
    expect(slurm.jobs()).toEqual([]);
  }, 120_000);

  it('runs an ablation matrix as a Slurm array (one task per cell, %N throttle); a re-submit cancels an orphaned array and runs only the cells not ended; Ctrl-C cancels it', async () => {
    const matrix = join(root, 'tiny.yaml');
    writeFileSync(
      matrix,
      [
        'name: tiny',
        'competitions: [mini-breast-cancer]',
        'seeds: [0]',
        'budget: 60s',
        'checkpoints: ["100%"]',
        'base:',
        '  agent: { name: template }',
        '  hce: "on"',
        '  budget: { maxJobs: 1, perExec: 40s }',
        '  workers: { spec: [local:1], heartbeat: 1s }',
        'variants:',
        '  full: {}',
        '  greedy: { search: { policy: greedy, numDrafts: 1 } }',
        'launcher:',
        '  kind: slurm',
        '  slurm: { poll: 1s }',
        '',
      ].join('\n'),
    );
    const out = join(root, 'ablations');
    const first = aira(['ablate', matrix, '--out', out, '--max-parallel', '1', '--no-report']);
    // The first cell's task ends; the second waits behind the throttle (one task at a time).
    await until(
      'the first cell to end',
      () => /\[1\/2\] full--mini-breast-cancer--s0: array task \d+_0 COMPLETED/.test(first.stderr()),
      240_000,
      first.stderr,
    );
    const script = readdirSync(join(out, 'tiny', 'slurm')).find((f) => f.endsWith('.sbatch'))!;
    expect(readFileSync(join(out, 'tiny', 'slurm', script), 'utf8')).toMatch(/^#SBATCH --array=0-1%1$/m);
    expect(first.stderr()).not.toMatch(
      /greedy--mini-breast-cancer--s0: array task \d+_1 RUNNING[\s\S]*full--mini-breast-cancer--s0: array task \d+_0 COMPLETED/,
    );
    // Killed outright, the submitter leaves its array queued: the next submission cancels it first.
    const array = /array task (\d+)_0 COMPLETED/.exec(first.stderr())![1]!;
    process.kill(first.pid, 'SIGKILL');
    await first.code;
    expect(slurm.jobs().some((j) => j.startsWith(`${array}_`))).toBe(true);
    const again = aira(['ablate', matrix, '--out', out, '--no-report']);
    await until(
      'the remaining cell to run again',
      () => /greedy--mini-breast-cancer--s0: array task \d+_0 RUNNING/.test(again.stderr()),
      120_000,
      again.stderr,
    );
    expect(slurm.jobs().some((j) => j.startsWith(`${array}_`))).toBe(false);
    // Ctrl-C cancels the array; the cell under way stays resumable.
    process.kill(again.pid, 'SIGINT');
    expect(await again.code).toBe(130);
    expect(again.stderr()).toContain('cancelling the array');
    await until('squeue to be empty', () => slurm.jobs().length === 0, 60_000, slurm.describeJobs);

    const second = aira(['ablate', matrix, '--out', out]);
    expect(await second.code, second.stderr()).toBe(0);
    // Only the cell that had not ended is submitted again.
    expect(second.stderr()).not.toMatch(/full--mini-breast-cancer--s0: array task/);
    expect(second.stderr()).toMatch(/\[2\/2\] greedy--mini-breast-cancer--s0: array task \d+_0 COMPLETED/);
    expect(second.stdout()).toContain(`report: ${join(out, 'tiny', 'report.md')}`);
    for (const cell of ['full--mini-breast-cancer--s0', 'greedy--mini-breast-cancer--s0']) {
      expect(journalOf(join(out, 'tiny', cell), 'mini-breast-cancer-s0').at(-1)).toMatchObject({
        type: 'run.ended',
      });
    }
    const third = aira(['ablate', matrix, '--out', out, '--no-report']);
    expect(await third.code, third.stderr()).toBe(0);
    expect(third.stderr()).toContain('every cell ended before');
    await until(
      'no worker process left',
      () => processesWith(join(out, 'tiny')).length === 0,
      30_000,
      () => processesWith(join(out, 'tiny')).join('\n'),
    );
  }, 600_000);

  it('aira launch slurm starts workers alone that register with a running coordinator', async () => {
    const token = join(root, 'launch-token');
    writeFileSync(token, 'a-shared-secret-for-the-test\n', { mode: 0o600 });
    const out = join(root, 'launch');
    const run = aira([
      'run',
      '--competition',
      'mini-diabetes',
      '--preset',
      'quickstart',
      '--workers',
      'register:127.0.0.1:0',
      '--token-file',
      token,
      '--max-jobs',
      '1',
      '--out',
      out,
      '--quiet',
    ]);
    const address = await until(
      'the registration address',
      () => /workers can register at (\S+) /.exec(run.stderr())?.[1],
      60_000,
      run.stderr,
    );
    const launch = aira([
      'launch',
      'slurm',
      '--coordinator',
      address,
      '--token-file',
      token,
      '--worker-listen',
      '127.0.0.1:0',
      '--log-dir',
      join(root, 'launch-jobs'),
    ]);
    expect(await launch.code, launch.stderr()).toBe(0);
    const jobId = launch.stdout().trim();
    expect(jobId).toMatch(/^\d+$/);
    expect(await run.code, run.stderr()).toBe(0);
    const dir = join(out, readdirSync(out)[0]!);
    const events = journalOf(dir, 'mini-diabetes-s0');
    expect(events.filter((e) => e.type === 'candidate.added')).toHaveLength(1);
    expect(
      events.some(
        (e) =>
          e.type === 'worker.joined' && (e as { workerId: string }).workerId.startsWith(`slurm-${jobId}.`),
      ),
    ).toBe(true);
    // Launched alone, the job is the user's to cancel.
    expect(slurm.jobs()).toContain(jobId);
    spawnSync('scancel', [jobId], { env: slurm.env });
    await until('squeue to be empty', () => slurm.jobs().length === 0, 60_000, slurm.describeJobs);
  }, 300_000);

  it('runs the coordinator itself as a Slurm job (deploy/slurm/coordinator.sbatch) that is requeued mid-run and resumes its study', async () => {
    const out = join(root, 'coordinator-job');
    const sbatchEnv = {
      ...env,
      AIRA: `${process.execPath} ${AIRA}`,
      AIRA_OUT: out,
      RUN_ARGS: [
        '--competition mini-diabetes --preset quickstart --workers slurm:1',
        ...loopback,
        '--max-jobs 3 --budget 4m',
      ].join(' '),
    };
    const sub = spawnSync(
      'sbatch',
      [
        '--parsable',
        '--chdir',
        root,
        '--cpus-per-task=1',
        '--output',
        join(root, 'coordinator-%j.out'),
        COORDINATOR_SBATCH,
      ],
      { env: sbatchEnv, encoding: 'utf8' },
    );
    expect(sub.status, sub.stderr).toBe(0);
    const job = sub.stdout.trim();
    const dir = join(out, `study-${job}`);
    const log = () =>
      (existsSync(join(root, `coordinator-${job}.out`))
        ? readFileSync(join(root, `coordinator-${job}.out`), 'utf8')
        : '') + slurm.describeJobs();
    await until(
      'a first candidate',
      () => journalOf(dir, 'mini-diabetes-s0').some((e) => e.type === 'candidate.added'),
      240_000,
      log,
    );
    const firstWorkers = jobsRecord(dir)
      .filter((r) => r.action === 'submitted')
      .map((r) => r.jobId);
    // Preemption with requeue, as Slurm does it: SIGTERM, then the job waits in the queue under the same id.
    expect(spawnSync('scontrol', ['requeue', job], { env: slurm.env }).status).toBe(0);
    // Started again only once its first run is gone, as Slurm would after its requeue delay (a start
    // while the first run's processes still end can fail the launch and drop the job).
    await until(
      'the job to wait in the queue, its first run gone',
      () =>
        /PENDING/.test(
          spawnSync('squeue', ['-h', '-j', job, '-o', '%T'], { env: slurm.env, encoding: 'utf8' }).stdout,
        ) && slurm.leftovers().length === 0,
      60_000,
      log,
    );
    spawnSync('scontrol', ['update', `JobId=${job}`, 'StartTime=now'], { env: slurm.env }); // skip Slurm's requeue delay
    await until('the coordinator job to end', () => !slurm.jobs().includes(job), 300_000, log);
    const events = journalOf(dir, 'mini-diabetes-s0');
    expect(events.at(-1), log()).toMatchObject({ type: 'run.ended', reason: 'max-jobs' });
    expect(events.some((e) => e.type === 'run.resumed')).toBe(true);
    expect(events.filter((e) => e.type === 'job.created')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'candidate.added')).toHaveLength(3);
    // Suspended, not stopped: the run was never ended before it finished.
    expect(events.filter((e) => e.type === 'run.ended')).toHaveLength(1);
    // The first coordinator cancelled its worker jobs itself on SIGTERM; the second submitted its own.
    const record = jobsRecord(dir) as Array<{ jobId: string; action: string; reason?: string }>;
    for (const id of firstWorkers)
      expect(record.find((r) => r.jobId === id && r.action === 'cancelled')?.reason).toBe(
        'the coordinator ended',
      );
    expect(record.filter((r) => r.action === 'submitted').length).toBeGreaterThan(firstWorkers.length);
    await until('squeue to be empty', () => slurm.jobs().length === 0, 60_000, slurm.describeJobs);
  }, 600_000);
});
