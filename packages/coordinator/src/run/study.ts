import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AIRA_VERSION, UserError, errorMessage, silentLogger, timestampId, type Logger } from '@aira/core';
import { ensureTokenFile, readTokenFile } from '@aira/protocol';
import { RunConfig, resolveSearch } from '../config/schema.js';
import type { JournalEvent } from '../journal/events.js';
import { parseWorkerSpecs, readHostsFile } from '../pool/hosts.js';
import { detectGpus } from '@aira/worker';
import { isAlive, localSlots, readLocalRecords, stopPid, writeLocalRecord, type LocalLauncher } from '../pool/local.js';
import { WorkerPool } from '../pool/pool.js';
import { listSessions } from '../pool/sessions.js';
import type { PoolWorker } from '../pool/pool-worker.js';
import { serveRegistration, type RegistrationServer } from '../pool/registration.js';
import { buildManifest } from './manifest.js';
import { agentFactory, defaultRegistry, evaluatorName, studyCompetitions, type Registry } from './registry.js';
import { RunLoop, type RunResult } from './run-loop.js';
import { readJournal } from '../journal/reader.js';
import { claimStudy, readStudyDoc, releaseStudy, studyPaths, writeJsonAtomic, type StudyDoc } from './study-files.js';

export interface StudyOptions {
  registry?: Registry;
  /** Starts local worker daemons (`--workers local[:N]`); the CLI passes one that runs `aira worker`. */
  launcher?: LocalLauncher;
  /** A logger, or a function that makes one for the study folder (e.g. to log into it). */
  logger?: Logger | ((studyDir: string) => Logger);
  /** Aborting it ends the study cleanly (as `aira stop` does). */
  stop?: AbortSignal;
  onEvent?: (runId: string, event: JournalEvent) => void;
  /** Called as soon as the registration service listens (`register:HOST:PORT`), with its bound address. */
  onRegistration?: (address: string) => void;
  /** Called once the pool and registration address are known (e.g. to print them). */
  onReady?: (info: { studyId: string; dir: string; workers: PoolWorker[]; registration?: string }) => void;
  tickMs?: number;
}

export interface StudyResult {
  studyId: string;
  dir: string;
  runs: RunResult[];
  stopped: boolean;
}

/** Starts a new study under `config.out`: one run per (competition, seed), one after another. */
export async function runStudy(config: RunConfig, options: StudyOptions & { provenance?: Map<string, string>; studyId?: string } = {}): Promise<StudyResult> {
  const registry = options.registry ?? defaultRegistry();
  const competitions = studyCompetitions(config, registry);
  agentFactory(config, registry); // refuse an unknown agent before anything starts
  const studyId = options.studyId ?? timestampId();
  const dir = join(config.out, studyId);
  if (existsSync(join(dir, 'study.json'))) throw new UserError(`study ${dir} exists already (resume it with --resume ${studyId})`);
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
 * Resumes a study from its journals: ended runs stay as they are; the run that was going on
 * continues where its journal stops (in-flight jobs re-run from their parents).
 */
export async function resumeStudy(dir: string, options: StudyOptions = {}): Promise<StudyResult> {
  const doc = readStudyDoc(dir);
  const config = RunConfig.parse(doc.config);
  rmSync(studyPaths(dir).stop, { force: true });
  return executeStudy(dir, doc, config, options.registry ?? defaultRegistry(), options);
}

async function executeStudy(dir: string, doc: StudyDoc, config: RunConfig, registry: Registry, options: StudyOptions): Promise<StudyResult> {
  const paths = studyPaths(dir);
  const token = config.workers.tokenFile ? readTokenFile(config.workers.tokenFile) : ensureTokenFile(paths.token);
  claimStudy(dir);
  const logger = typeof options.logger === 'function' ? options.logger(dir) : (options.logger ?? silentLogger());
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
      if (s.labels['aira.study'] === doc.studyId) await w.conn.unary('closeSession', { sessionId: s.sessionId, keepWorkspace: false }).catch(() => undefined);
    }
  };
  let registration: RegistrationServer | undefined;
  const results: RunResult[] = [];
  const openRun = async (run: StudyDoc['runs'][number]) => {
    const search = resolveSearch(config.search, pool.size);
    const agent = agentFactory(config, registry)(config);
    const evaluator = registry.evaluators.get(evaluatorName(config, run.competition, registry))!(config);
    const runDir = paths.run(run.runId);
    mkdirSync(runDir, { recursive: true });
    const loop = await RunLoop.open({
      studyId: doc.studyId,
      runId: run.runId,
      runDir,
      seed: run.seed,
      competition: run.competition,
      config,
      search,
      pool,
      agent,
      evaluator,
      logger: logger.child({ run: run.runId }),
      stop: stop.signal,
      onEvent: options.onEvent ? (e) => options.onEvent!(run.runId, e) : undefined,
      tickMs: options.tickMs,
    });
    return { run, loop, agent, evaluator, search, runDir };
  };
  // Resuming: the run that was under way is opened before the workers join, so that reconciling
  // them keeps the sessions whose execs it can take over (and closes the rest).
  let early: Awaited<ReturnType<typeof openRun>> | null = null;
  try {
    const underWay = doc.runs.find((r) => {
      const { events } = readJournal(join(paths.run(r.runId), 'journal.jsonl'));
      return events.length > 0 && !events.some((e) => e.type === 'run.ended');
    });
    if (underWay) {
      early = await openRun(underWay);
      current = early.loop;
    }
    pool.start();
    registration = await startWorkers(config, pool, { dir, token, logger, launcher: options.launcher, stop: stop.signal, onRegistration: options.onRegistration });
    await waitForWorkers(pool, config.workers.waitFor, stop.signal);
    options.onReady?.({ studyId: doc.studyId, dir, workers: pool.list(), registration: registration?.address });
    for (const run of doc.runs) {
      const opened = early?.run === run ? early : await openRun(run);
      const { loop, agent, evaluator, search, runDir } = opened;
      if (loop.ended) {
        results.push(await loop.run());
        continue;
      }
      if (stop.signal.aborted) break;
      current = loop;
      if (!existsSync(join(runDir, 'manifest.json'))) {
        writeJsonAtomic(
          join(runDir, 'manifest.json'),
          buildManifest({ studyId: doc.studyId, runId: run.runId, competition: run.competition, seed: run.seed, agent: agent.name, evaluator: evaluator.name, config, provenance: doc.provenance, search, pool }),
        );
      }
      results.push(await loop.run());
      current = null;
      if (stop.signal.aborted) break;
    }
  } finally {
    clearInterval(watcher);
    options.stop?.removeEventListener('abort', onStop);
    await registration?.close().catch(() => undefined);
    await pool.close({ stopLocal: !config.workers.keepLocal });
    if (!config.workers.keepLocal) rmSync(paths.workers, { recursive: true, force: true });
    releaseStudy(dir);
  }
  return { studyId: doc.studyId, dir, runs: results, stopped: stop.signal.aborted };
}

async function startWorkers(
  config: RunConfig,
  pool: WorkerPool,
  ctx: { dir: string; token: string; logger: Logger; launcher?: LocalLauncher; stop: AbortSignal; onRegistration?: (address: string) => void },
): Promise<RegistrationServer | undefined> {
  let registration: RegistrationServer | undefined;
  const tokenFile = config.workers.tokenFile ?? studyPaths(ctx.dir).token;
  for (const spec of parseWorkerSpecs(config.workers.spec)) {
    if (spec.kind === 'local') {
      if (!ctx.launcher) throw new UserError('workers: local workers need a launcher (run through the aira command)');
      const slots = localSlots(spec.spec, detectGpus());
      const dir = studyPaths(ctx.dir).workers;
      const records = new Map(readLocalRecords(dir).map((r) => [r.index, r]));
      await Promise.all(
        slots.map(async (slot, index) => {
          const rec = records.get(index);
          if (rec && isAlive(rec.pid)) {
            // A daemon a crashed coordinator left behind: adopt it when it is the same process.
            try {
              const w = await pool.add(rec.address, 'local', { pid: rec.pid, stop: () => stopPid(rec.pid) });
              if (w.info.pid === rec.pid) return;
            } catch {
              /* not reachable: start a fresh one */
            }
          }
          const proc = await ctx.launcher!({ index, gpu: slot.gpu, tokenFile, workdir: join(dir, `local-${index}`), logFile: join(dir, `local-${index}.log`) });
          writeLocalRecord(dir, { index, pid: proc.pid, address: proc.address, gpu: slot.gpu, startedAt: Date.now() });
          await pool.add(proc.address, 'local', { pid: proc.pid, stop: proc.stop });
        }),
      );
    } else if (spec.kind === 'hosts') {
      const addresses = readHostsFile(spec.file);
      await Promise.all(addresses.map((a) => addWithRetry(pool, a, ctx.logger, ctx.stop)));
    } else {
      registration = await serveRegistration({ listen: spec.listen, token: ctx.token, pool, heartbeatMs: config.workers.heartbeat, logger: ctx.logger });
      ctx.logger.info({ address: registration.address }, 'waiting for workers to register');
      ctx.onRegistration?.(registration.address);
    }
  }
  return registration;
}

/** A hosts-file worker that is down now is tried again in the background until the study ends. */
async function addWithRetry(pool: WorkerPool, address: string, logger: Logger, stop: AbortSignal): Promise<void> {
  try {
    await pool.add(address, 'hosts');
  } catch (err) {
    logger.warn({ address, err: errorMessage(err) }, 'worker unreachable; will keep trying');
    const retry = setInterval(() => {
      if (stop.aborted) return clearInterval(retry);
      pool.add(address, 'hosts').then(
        () => clearInterval(retry),
        () => undefined,
      );
    }, 10_000);
    retry.unref();
  }
}

async function waitForWorkers(pool: WorkerPool, waitMs: number, stop: AbortSignal): Promise<void> {
  const until = Date.now() + waitMs;
  while (pool.size === 0) {
    if (stop.aborted) return;
    if (Date.now() > until) throw new UserError(`no worker joined within ${Math.round(waitMs / 1000)} s`, 'check --workers, the token file and that workers can reach the coordinator');
    await new Promise((r) => setTimeout(r, 100));
  }
}
