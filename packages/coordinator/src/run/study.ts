import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AIRA_VERSION,
  ConfigError,
  UserError,
  ensureDir,
  errorMessage,
  formatDuration,
  silentLogger,
  timestampId,
  type Logger,
} from '@aira/core';
import { ensureTokenFile, readTokenFile } from '@aira/protocol';
import pRetry from 'p-retry';
import { RunConfig, resolveSearch, type BudgetConfig } from '../config/schema.js';
import { StudySpend } from './spend-guard.js';
import type { EventBody, JournalEvent } from '../journal/events.js';
import { SlurmWorkers } from '../slurm/workers.js';
import { parseWorkerSpecs, readHostsFile } from '../pool/hosts.js';
import { detectGpus } from '@aira/worker';
import { localSlots, type LocalLauncher } from '../pool/local.js';
import { startLocalWorkers } from './local-workers.js';
import { WorkerPool } from '../pool/pool.js';
import { listSessions } from '../pool/sessions.js';
import type { PoolWorker } from '../pool/pool-worker.js';
import { serveRegistration, type RegistrationServer } from '../pool/registration.js';
import { buildManifest } from './manifest.js';
import { parseRunConfig } from '../config/sections.js';
import {
  agentFactory,
  defaultRegistry,
  evaluatorFor,
  prepareCompetition,
  studyCompetitions,
  type Registry,
} from './registry.js';
import { RunLoop, type RunResult } from './run-loop.js';
import { CorruptJournalError, readJournal, repairJournal } from '../journal/reader.js';
import { isResumableEnd, replay } from '../state/run-state.js';
import {
  claimStudy,
  readStudyDoc,
  releaseStudy,
  studyPaths,
  writeJsonAtomic,
  type StudyDoc,
} from './study-files.js';

export interface StudyOptions {
  registry?: Registry;
  /** Starts local worker daemons (`--workers local[:N]`); the CLI passes one that runs `aira worker`. */
  launcher?: LocalLauncher;
  /** A logger, or a function that makes one for the study folder (e.g. to log into it). */
  logger?: Logger | ((studyDir: string) => Logger);
  /** Aborting it ends the study cleanly (as `aira stop` does). */
  stop?: AbortSignal;
  /**
   * Aborting it suspends the study (the coordinator's own Slurm job preempted or requeued): worker
   * jobs are cancelled and workers let go, but no run is ended, so `--resume` carries on where the
   * journals stop. The caller exits the process afterwards.
   */
  suspend?: AbortSignal;
  onEvent?: (runId: string, event: JournalEvent) => void;
  /** Called as soon as the registration service listens (`register:HOST:PORT`), with its bound address. */
  onRegistration?: (address: string) => void;
  /** `--repair`: a corrupt journal was cut back to its last good event (the whole file kept as `backup`). */
  onRepair?: (runId: string, repaired: { backup: string; kept: number }) => void;
  /** Called once the pool and registration address are known (e.g. to print them). */
  onReady?: (info: { studyId: string; dir: string; workers: PoolWorker[]; registration?: string }) => void;
  /** Something the user should know that is no error (e.g. Slurm workers still missing). */
  onNotice?: (message: string) => void;
  /** argv that runs the `aira` command on a cluster node (`--workers slurm`); the CLI passes its own. */
  airaCommand?: string[];
  /** Environment of Slurm's client commands (default: this process's). */
  slurmEnv?: NodeJS.ProcessEnv;
  tickMs?: number;
}

export interface StudyResult {
  studyId: string;
  dir: string;
  runs: RunResult[];
  stopped: boolean;
  /** Suspended (see StudyOptions.suspend): the run under way is not ended; the process should exit now. */
  suspended?: boolean;
}

/** Starts a new study under `config.out`: one run per (competition, seed), one after another. */
export async function runStudy(
  given: RunConfig,
  options: StudyOptions & { provenance?: Map<string, string>; studyId?: string } = {},
): Promise<StudyResult> {
  const registry = options.registry ?? defaultRegistry();
  // The sections its agent and evaluators own, checked with their schemas (a config made in code too).
  const config = parseRunConfig(given as unknown as Record<string, unknown>, registry);
  const competitions = studyCompetitions(config, registry);
  agentFactory(config, registry); // refuse an unknown agent before anything starts
  checkStudyInputs(config, options.launcher);
  const studyId = options.studyId ?? timestampId();
  ensureDir(config.out, '--out');
  const dir = join(config.out, studyId);
  if (existsSync(join(dir, 'study.json')))
    throw new UserError(`study ${dir} exists already (resume it with --resume ${studyId})`);
  mkdirSync(dir, { recursive: true });
  const doc: StudyDoc = {
    studyId,
    createdAt: new Date().toISOString(),
    airaVersion: AIRA_VERSION,
    config: config as unknown as Record<string, unknown>,
    provenance: Object.fromEntries(options.provenance ?? []),
    runs: competitions.flatMap((competition) =>
      config.seeds.map((seed) => ({ runId: `${competition ?? 'script'}-s${seed}`, competition, seed })),
    ),
  };
  writeJsonAtomic(studyPaths(dir).study, doc);
  return executeStudy(dir, doc, config, registry, options);
}

/**
 * Resumes a study from its journals: runs that ended by budget, max jobs or cost cap stay as they
 * are; the run that was going on, or was stopped, continues where its journal stops with the rest
 * of its budget (in-flight and cancelled jobs re-run from their parents).
 */
export async function resumeStudy(
  dir: string,
  options: StudyOptions & { budget?: Partial<BudgetConfig>; repair?: boolean } = {},
): Promise<StudyResult> {
  const doc = readStudyDoc(dir);
  if (options.budget && Object.keys(options.budget).length > 0) {
    // Budget given on resume (e.g. a raised cost cap) is the study's from now on; a run that ended
    // on its cost cap goes on when the new cap allows.
    const budget = { ...(doc.config.budget as Record<string, unknown> | undefined), ...options.budget };
    doc.config = { ...doc.config, budget };
    doc.provenance = {
      ...doc.provenance,
      ...Object.fromEntries(Object.keys(options.budget).map((k) => [`budget.${k}`, 'resume flag'])),
    };
    writeJsonAtomic(studyPaths(dir).study, doc);
  }
  const config = parseRunConfig(doc.config, options.registry ?? defaultRegistry());
  for (const r of doc.runs) {
    const path = join(studyPaths(dir).run(r.runId), 'journal.jsonl');
    if (options.repair) {
      const fixed = repairJournal(path);
      if (fixed) options.onRepair?.(r.runId, fixed);
      continue;
    }
    try {
      readJournal(path);
    } catch (err) {
      if (!(err instanceof CorruptJournalError)) throw err;
      throw new UserError(
        err.message,
        `continue run ${r.runId} from its last good event (${err.goodEvents} events kept) with: aira run --resume ${doc.studyId} --repair (the whole journal is kept beside it)`,
      );
    }
  }
  rmSync(studyPaths(dir).stop, { force: true });
  return executeStudy(dir, doc, config, options.registry ?? defaultRegistry(), options, true);
}

async function executeStudy(
  dir: string,
  doc: StudyDoc,
  config: RunConfig,
  registry: Registry,
  options: StudyOptions,
  resuming = false,
): Promise<StudyResult> {
  const paths = studyPaths(dir);
  const token = config.workers.tokenFile
    ? readTokenFile(config.workers.tokenFile)
    : ensureTokenFile(paths.token);
  claimStudy(dir);
  const logger =
    typeof options.logger === 'function' ? options.logger(dir) : (options.logger ?? silentLogger());
  const stop = new AbortController();
  const onStop = () => stop.abort('stopped');
  options.stop?.addEventListener('abort', onStop);
  if (options.stop?.aborted) stop.abort('stopped');
  // `aira stop` from another terminal writes STOP (and signals us when on this machine).
  const watcher = setInterval(() => existsSync(paths.stop) && stop.abort('stopped'), 300);
  const pool = new WorkerPool({
    token,
    leaseMs: config.workers.lease,
    heartbeatMs: config.workers.heartbeat,
    callDeadlineMs: config.workers.callDeadline,
    logger,
  });
  let current: RunLoop | null = null;
  pool.reconcile = async (w) => {
    if (current) return current.reconcile(w);
    // Before any run: whatever this study left on the worker (a crashed coordinator's sessions) is closed.
    const sessions = await listSessions(w.conn, config.workers.callDeadline);
    for (const s of sessions) {
      if (s.labels['aira.study'] === doc.studyId)
        await w.conn
          .unary('closeSession', { sessionId: s.sessionId, keepWorkspace: false })
          .catch((err: unknown) =>
            logger.warn(
              { worker: w.id, session: s.sessionId, err: errorMessage(err) },
              'closing a session this study left on the worker failed',
            ),
          );
    }
  };
  let started: StartedWorkers = {};
  const suspended = () => Boolean(options.suspend?.aborted);
  const suspension = new Promise<null>((resolve) => {
    if (options.suspend?.aborted) resolve(null);
    options.suspend?.addEventListener('abort', () => resolve(null), { once: true });
  });
  const results: RunResult[] = [];
  // Slurm job events go into the journal of the run under way, or wait for the next run to open.
  const unjournaled: EventBody[] = [];
  const journalSlurm = (body: EventBody) => {
    if (!current?.record(body)) unjournaled.push(body);
  };
  const setCurrent = (loop: RunLoop | null) => {
    current = loop;
    while (loop && unjournaled.length > 0 && loop.record(unjournaled[0]!)) unjournaled.shift();
  };
  const spend = StudySpend.fromJournals(
    doc.runs.map((r) => paths.run(r.runId)),
    config.budget,
  );
  const openRun = async (run: StudyDoc['runs'][number]) => {
    const search = resolveSearch(config.search, pool.size);
    const agent = agentFactory(config, registry)(config);
    const evaluator = evaluatorFor(config, run.competition, registry).create(config);
    const runDir = paths.run(run.runId);
    mkdirSync(runDir, { recursive: true });
    const definition = await prepareCompetition(run.competition, registry);
    const loop = await RunLoop.open({
      studyId: doc.studyId,
      runId: run.runId,
      runDir,
      seed: run.seed,
      competition: run.competition,
      definition,
      config,
      search,
      pool,
      agent,
      evaluator,
      logger: logger.child({ run: run.runId }),
      stop: stop.signal,
      onEvent: options.onEvent ? (e) => options.onEvent!(run.runId, e) : undefined,
      tickMs: options.tickMs,
      spend,
      resume: resuming,
    });
    return { run, loop, agent, evaluator, search, runDir };
  };
  // Resuming: the run that was under way is opened before the workers join, so that reconciling
  // them keeps the sessions whose execs it can take over (and closes the rest).
  let early: Awaited<ReturnType<typeof openRun>> | null = null;
  try {
    const ends = doc.runs.map((r) => {
      const { events } = readJournal(join(paths.run(r.runId), 'journal.jsonl'));
      const ended = replay(events).ended;
      // A stopped run goes on when resumed, and so may one that ended on its cost cap (RunLoop.open
      // reopens it when the cap was raised); budget and max-jobs ends are final.
      const goesOn = resuming && ended !== null && (isResumableEnd(ended.reason) || ended.reason === 'cost');
      return { run: r, started: events.length > 0, done: ended !== null && !goesOn };
    });
    const underWay = ends.find((e) => e.started && !e.done)?.run;
    if (underWay) {
      early = await openRun(underWay);
      setCurrent(early.loop);
    }
    // A study whose every run is done starts no worker: resuming it only reads its journals.
    if (!ends.every((e) => e.done)) {
      pool.start();
      started = await startWorkers(config, pool, {
        dir,
        token,
        logger,
        launcher: options.launcher,
        stop: stop.signal,
        onRegistration: options.onRegistration,
        airaCommand: options.airaCommand,
        slurmEnv: options.slurmEnv,
        onSlurmJob: (e) => journalSlurm({ type: 'slurm.job', ...e }),
      });
      if (started.slurm) {
        const { missing } = await started.slurm.waitForWorkers(config.workers.waitFor, stop.signal);
        if (missing)
          options.onNotice?.(`slurm: going on with the workers that came; still missing: ${missing}`);
      }
      await waitForWorkers(pool, config.workers.waitFor, stop.signal);
    }
    options.onReady?.({
      studyId: doc.studyId,
      dir,
      workers: pool.list(),
      registration: started.registration?.address,
    });
    for (const run of doc.runs) {
      const opened = early?.run === run ? early : await openRun(run);
      const { loop, agent, evaluator, search, runDir } = opened;
      if (loop.ended) {
        results.push(await loop.run());
        continue;
      }
      if (suspended()) break;
      if (stop.signal.aborted) break;
      setCurrent(loop);
      if (!existsSync(join(runDir, 'manifest.json'))) {
        writeJsonAtomic(
          join(runDir, 'manifest.json'),
          buildManifest({
            studyId: doc.studyId,
            runId: run.runId,
            competition: run.competition,
            seed: run.seed,
            agent: agent.name,
            evaluator: evaluator.name,
            config,
            provenance: doc.provenance,
            search,
            pool,
          }),
        );
      }
      const r = await Promise.race([loop.run(), suspension]);
      if (r === null) break;
      results.push(r);
      setCurrent(null);
      if (stop.signal.aborted) break;
    }
  } finally {
    clearInterval(watcher);
    options.stop?.removeEventListener('abort', onStop);
    // Worker jobs are cancelled first: a study never leaves one behind.
    await started.slurm
      ?.close()
      .catch((err: unknown) => logger.error({ err: errorMessage(err) }, 'cancelling the Slurm jobs failed'));
    const closeFailed = (err: unknown) =>
      logger.warn({ err: errorMessage(err) }, 'closing the workers’ registration endpoint failed');
    await started.registration?.close().catch(closeFailed);
    if (started.slurmRegistration !== started.registration)
      await started.slurmRegistration?.close().catch(closeFailed);
    await pool.close({ stopLocal: !config.workers.keepLocal });
    if (!config.workers.keepLocal) rmSync(paths.workers, { recursive: true, force: true });
    releaseStudy(dir);
  }
  if (suspended()) logger.warn('study suspended: worker jobs cancelled, runs left to resume');
  return {
    studyId: doc.studyId,
    dir,
    runs: results,
    stopped: stop.signal.aborted || suspended(),
    ...(suspended() ? { suspended: true } : {}),
  };
}

interface StartedWorkers {
  registration?: RegistrationServer;
  slurm?: SlurmWorkers;
  slurmRegistration?: RegistrationServer;
}

/** What runStudy checks before the study folder exists (the CLI calls it before its pre-flight too). */
export function checkStudyInputs(config: RunConfig, launcher: LocalLauncher | undefined): void {
  checkWorkers(config, launcher);
  checkBudget(config);
}

/** Worker specs, local counts and hosts files are checked before the study folder exists. */
function checkWorkers(config: RunConfig, launcher: LocalLauncher | undefined): void {
  for (const spec of parseWorkerSpecs(config.workers.spec)) {
    if (spec.kind === 'local') {
      if (!launcher)
        throw new UserError('workers: local workers need a launcher (run through the aira command)');
      localSlots(spec.spec, detectGpus());
    } else if (spec.kind === 'hosts') readHostsFile(spec.file);
  }
}

/** The least wall clock a run can use: a job needs its worker session and one execution at least. */
export const MIN_BUDGET_MS = 2_000;

function checkBudget(config: RunConfig): void {
  const ms = config.budget.wallClock;
  if (ms < MIN_BUDGET_MS) {
    throw new ConfigError(
      `budget.wallClock: ${formatDuration(ms)} is too short to run one job (at least ${formatDuration(MIN_BUDGET_MS)}; e.g. --budget 10m)`,
    );
  }
}

async function startWorkers(
  config: RunConfig,
  pool: WorkerPool,
  ctx: {
    dir: string;
    token: string;
    logger: Logger;
    launcher?: LocalLauncher;
    stop: AbortSignal;
    onRegistration?: (address: string) => void;
    airaCommand?: string[];
    slurmEnv?: NodeJS.ProcessEnv;
    onSlurmJob: ConstructorParameters<typeof SlurmWorkers>[0]['onJob'];
  },
): Promise<StartedWorkers> {
  const started: StartedWorkers = {};
  const tokenFile = config.workers.tokenFile ?? studyPaths(ctx.dir).token;
  try {
    await startEach(config, pool, ctx, tokenFile, started);
  } catch (err) {
    // What was submitted before the failure is cancelled here; the caller closes the rest. The
    // start's own error is the one to report; these are logged beside it.
    const failed = (what: string) => (e: unknown) => ctx.logger.warn({ err: errorMessage(e) }, what);
    await started.slurm?.close().catch(failed('cancelling the Slurm jobs failed'));
    await started.slurmRegistration
      ?.close()
      .catch(failed('closing the workers’ registration endpoint failed'));
    throw err;
  }
  return started;
}

async function startEach(
  config: RunConfig,
  pool: WorkerPool,
  ctx: Parameters<typeof startWorkers>[2],
  tokenFile: string,
  started: StartedWorkers,
): Promise<void> {
  for (const spec of parseWorkerSpecs(config.workers.spec)) {
    if (spec.kind === 'local') {
      if (!ctx.launcher)
        throw new UserError('workers: local workers need a launcher (run through the aira command)');
      await startLocalWorkers(localSlots(spec.spec, detectGpus()), pool, {
        dir: studyPaths(ctx.dir).workers,
        tokenFile,
        owner: config.workers.keepLocal ? undefined : studyPaths(ctx.dir).coordinator,
        launcher: ctx.launcher,
        stop: ctx.stop,
        logger: ctx.logger,
      });
    } else if (spec.kind === 'hosts') {
      const addresses = readHostsFile(spec.file);
      await Promise.all(addresses.map((a) => addWithRetry(pool, a, ctx.logger, ctx.stop)));
    } else if (spec.kind === 'register') {
      started.registration = await serveRegistration({
        listen: spec.listen,
        token: ctx.token,
        pool,
        heartbeatMs: config.workers.heartbeat,
        logger: ctx.logger,
      });
      ctx.logger.info({ address: started.registration.address }, 'waiting for workers to register');
      ctx.onRegistration?.(started.registration.address);
    } else {
      if (!ctx.airaCommand)
        throw new UserError(
          'workers: Slurm workers need the aira command to run on the nodes (run through the aira command)',
        );
      const reg = await serveRegistration({
        listen: config.slurm.listen,
        token: ctx.token,
        pool,
        heartbeatMs: config.workers.heartbeat,
        logger: ctx.logger,
      });
      started.slurmRegistration = reg;
      started.registration ??= reg;
      const listenHost = config.slurm.listen.slice(0, config.slurm.listen.lastIndexOf(':'));
      const host =
        config.slurm.advertise ?? (['0.0.0.0', '[::]', '::'].includes(listenHost) ? hostname() : listenHost);
      const coordinator = `${host}:${reg.address.slice(reg.address.lastIndexOf(':') + 1)}`;
      ctx.onRegistration?.(coordinator);
      started.slurm = new SlurmWorkers({
        config: config.slurm,
        jobs: spec.jobs,
        pool,
        coordinator,
        tokenFile,
        dir: studyPaths(ctx.dir).slurm,
        aira: ctx.airaCommand,
        env: ctx.slurmEnv,
        logger: ctx.logger,
        onJob: ctx.onSlurmJob,
      });
      await started.slurm.start();
    }
  }
}

/** A hosts-file worker that is down now is tried again in the background until the study ends. */
async function addWithRetry(
  pool: WorkerPool,
  address: string,
  logger: Logger,
  stop: AbortSignal,
): Promise<void> {
  try {
    await pool.add(address, 'hosts');
  } catch (err) {
    logger.warn({ address, err: errorMessage(err) }, 'worker unreachable; will keep trying');
    // Every 10 s after a failed try, without holding the process open.
    const again = { retries: Infinity, minTimeout: 10_000, factor: 1, signal: stop, unref: true };
    void sleep(10_000, undefined, { signal: stop, ref: false })
      .then(() => pRetry(() => pool.add(address, 'hosts'), again))
      .catch(() => undefined); // the study ended first
  }
}

async function waitForWorkers(pool: WorkerPool, waitMs: number, stop: AbortSignal): Promise<void> {
  const until = Date.now() + waitMs;
  while (pool.size === 0) {
    if (stop.aborted) return;
    if (Date.now() > until)
      throw new UserError(
        `no worker joined within ${Math.round(waitMs / 1000)} s`,
        'check --workers, the token file and that workers can reach the coordinator',
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
