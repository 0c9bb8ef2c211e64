import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  applyEvent,
  coordinatorAlive,
  JournalTail,
  readCoordinatorDoc,
  readStudyDoc,
  replay,
  type JournalEvent,
  type RunState,
  type StudyDoc,
} from '@aira/coordinator';
import { PICK_EVENTS } from '@aira/hce';
import { readTokenFile } from '@aira/protocol';
import { buildRunReport, type RunReport } from '@aira/report';
import { within } from './paths.js';

export type RunPhase = RunReport['state'];

/** Silence of every journal after which a coordinator on another machine is taken for gone. */
const REMOTE_SILENCE_MS = 60_000;

/**
 * One run as the dashboard follows it: its journal tailed (only appended lines are parsed), the
 * events kept with their replayed state, and what the pages need indexed by job.
 */
export class RunWatch {
  readonly tail: JournalTail;
  events: JournalEvent[] = [];
  /** The events the pick rule reads (hce's pickAt): a short list to replay at each checkpoint. */
  pickEvents: JournalEvent[] = [];
  state: RunState = replay([]);
  /** Events that name a job (steps, execs, attempts, costs), by job id. */
  byJob = new Map<string, JournalEvent[]>();
  private memos = new Map<string, { seq: number; value: unknown }>();
  private manifest: { agent?: string; evaluator?: string } | null = null;

  constructor(
    readonly runId: string,
    readonly dir: string,
    readonly meta: { competition: string | null; seed: number },
  ) {
    this.tail = new JournalTail(join(dir, 'journal.jsonl'));
  }

  refresh(): void {
    const chunk = this.tail.poll();
    if (chunk.reset) {
      this.events = [];
      this.pickEvents = [];
      this.state = replay([]);
      this.byJob.clear();
      this.memos.clear();
    }
    for (const e of chunk.events) {
      this.events.push(e);
      // What the pick, medals and protection are computed from; the rest does not change them.
      if (PICK_EVENTS.has(e.type)) this.pickEvents.push(e);
      applyEvent(this.state, e);
      const jobId = (e as { jobId?: string }).jobId ?? (e.type === 'job.created' ? e.job.id : undefined);
      if (jobId) {
        let list = this.byJob.get(jobId);
        if (!list) this.byJob.set(jobId, (list = []));
        list.push(e);
      }
    }
  }

  /** The journal's problem, if any: events before it are shown, nothing after. */
  get error(): string | null {
    return this.tail.error;
  }

  phase(alive: boolean): RunPhase {
    return this.events.length === 0
      ? 'not started'
      : this.state.ended
        ? 'ended'
        : alive
          ? 'running'
          : 'interrupted';
  }

  /** `fn()`, computed again only once the journal has grown (or `key` differs). */
  memo<T>(key: string, fn: () => T): T {
    const m = this.memos.get(key);
    if (m && m.seq === this.state.lastSeq) return m.value as T;
    const value = fn();
    this.memos.set(key, { seq: this.state.lastSeq, value });
    return value;
  }

  /** The report model's view of this run, rebuilt only when the journal grew. */
  runReport(budgetMs: number, agentName: string | undefined, alive: boolean): RunReport {
    return this.memo(`report:${alive}`, () => {
      if (!this.manifest || !this.manifest.agent)
        this.manifest = readJson(join(this.dir, 'manifest.json')) ?? {};
      return buildRunReport({
        run: { runId: this.runId, ...this.meta },
        events: this.pickEvents,
        state: this.state,
        manifest: this.manifest,
        budgetMs,
        agentName,
        status: this.phase(alive),
      });
    });
  }
}

/** A study folder (`study.json` and one folder per run) and its runs' watches. */
export class StudyWatch {
  readonly runs = new Map<string, RunWatch>();
  doc: StudyDoc;

  constructor(
    readonly id: string,
    readonly dir: string,
  ) {
    this.doc = readStudyDoc(dir);
    for (const r of this.doc.runs)
      this.runs.set(
        r.runId,
        new RunWatch(r.runId, within(dir, r.runId), { competition: r.competition, seed: r.seed }),
      );
  }

  refresh(): void {
    for (const r of this.runs.values()) r.refresh();
  }

  /**
   * Whether a coordinator works on the study now: on this machine, its pid is alive; on another one
   * (a shared file system), its journals keep moving — a running coordinator writes a tick at
   * least every 10 s.
   */
  alive(now = Date.now()): boolean {
    const doc = readCoordinatorDoc(this.dir);
    if (!doc) return false;
    if (doc.hostname === hostname()) return coordinatorAlive(doc);
    return [...this.runs.values()].some((r) => {
      try {
        return now - statSync(r.tail.path).mtimeMs < REMOTE_SILENCE_MS;
      } catch {
        return false;
      }
    });
  }

  state(alive = this.alive()): 'running' | 'stopping' | 'ended' | 'interrupted' {
    if (alive) return existsSync(join(this.dir, 'STOP')) ? 'stopping' : 'running';
    return [...this.runs.values()].every((r) => r.state.ended) ? 'ended' : 'interrupted';
  }

  /** The token the study's workers take (its `--token-file`, else the study's own), or null. */
  workerToken(): string | null {
    const file =
      (this.doc.config as { workers?: { tokenFile?: string } }).workers?.tokenFile ?? join(this.dir, 'token');
    try {
      return readTokenFile(file);
    } catch {
      return null;
    }
  }

  run(runId: string): RunWatch {
    const r = this.runs.get(runId);
    if (!r) throw new NotFound(`study ${this.id} has no run ${JSON.stringify(runId)}`);
    return r;
  }
}

export class NotFound extends Error {}

export type Entry = { id: string; kind: 'study' | 'ablation'; dir: string };

/**
 * The runs folder: studies (`study.json`) and ablation studies (`ablation.json`, whose cells are
 * studies one level down). Watches are kept between requests, so each request reads only what was
 * appended since the last.
 */
export class Library {
  private readonly studies = new Map<string, StudyWatch>();

  constructor(readonly root: string) {}

  /** Every study and ablation study under the root, newest first (folder names start with a time stamp). */
  list(): Entry[] {
    if (!existsSync(this.root)) return [];
    const out: Entry[] = [];
    for (const name of readdirSync(this.root).sort().reverse()) {
      const dir = join(this.root, name);
      if (existsSync(join(dir, 'ablation.json'))) out.push({ id: name, kind: 'ablation', dir });
      else if (existsSync(join(dir, 'study.json'))) out.push({ id: name, kind: 'study', dir });
    }
    return out;
  }

  /** A study by its id: its folder name, or `ablation/cell` for an ablation cell. */
  study(id: string): StudyWatch {
    const dir = within(this.root, id);
    let w = this.studies.get(id);
    if (!w) {
      if (!existsSync(join(dir, 'study.json')) || !statSync(dir).isDirectory())
        throw new NotFound(`no study ${JSON.stringify(id)} in the runs folder`);
      w = new StudyWatch(id, dir);
      this.studies.set(id, w);
    }
    w.refresh();
    return w;
  }

  ablationDir(id: string): string {
    const dir = within(this.root, id);
    if (!existsSync(join(dir, 'ablation.json')))
      throw new NotFound(`no ablation study ${JSON.stringify(id)} in the runs folder`);
    return dir;
  }
}

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}
