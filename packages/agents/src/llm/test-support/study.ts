import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cliWorkerLauncher,
  defaultRegistry,
  readJournal,
  RunConfig,
  registerEvaluator,
  runStudy,
  SELF_REPORTED,
  type CandidateRecord,
  type JournalEvent,
  type LocalWorkerProcess,
  type RunConfigInput,
} from '@aira/coordinator';
import { airaBin, assertBuilt } from '@aira/testing';
import { registerLlmAgents } from '../../react/register.js';
import { diabetes, writePublic, type PublicFolder } from '../../test-support/datasets.js';
import { hiddenSplitEvaluator } from '../../test-support/evaluator.js';
import { rmse } from '../../test-support/metrics.js';
import type { ChatRequest, LoopbackLlm } from './loopback.js';

/** The built `aira` command: the worker daemons of these tests are real `aira worker` processes. */
export const AIRA_BIN = airaBin();
export const KEY = 'sk-loopback-7f3a9c2e5d1b4a6f-do-not-log';

export interface Bench {
  root: string;
  pub: PublicFolder;
  hostsFile: string;
  tokenFile: string;
  worker: LocalWorkerProcess;
  stop(): Promise<void>;
}

/** One real worker daemon and the diabetes data laid out as an HCE public folder (graded here, hidden). */
export async function startBench(root: string): Promise<Bench> {
  assertBuilt('the worker runs the built CLI');
  const tokenFile = join(root, 'token');
  writeFileSync(tokenFile, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  const worker = await cliWorkerLauncher(AIRA_BIN, ['--log-level', 'warn'])({
    index: 0,
    tokenFile,
    workdir: join(root, 'worker'),
    logFile: join(root, 'worker.log'),
  });
  const hostsFile = join(root, 'hosts');
  writeFileSync(hostsFile, `${worker.address}\n`);
  const pub = writePublic(diabetes(), join(root, 'public'));
  return { root, pub, hostsFile, tokenFile, worker, stop: () => worker.stop() };
}

export interface StudyView {
  dir: string;
  runDir: string;
  reason: string;
  events: JournalEvent[];
  steps: Array<Record<string, unknown>>;
  candidates: CandidateRecord[];
  costs: Array<{ usd: number; detail?: Record<string, unknown> }>;
}

/** The LLM agents (key from TEST_KEY) and the diabetes data graded on hidden splits. */
export function benchRegistry(bench: Bench) {
  const registry = registerLlmAgents(defaultRegistry(), { env: { TEST_KEY: KEY } });
  registerEvaluator(registry, {
    id: SELF_REPORTED,
    description: 'the diabetes data graded on hidden splits',
    create: hiddenSplitEvaluator(diabetes(), bench.pub, rmse),
  });
  return registry;
}

/** Runs a study of one run with an LLM agent against the loopback server. */
export async function llmStudy(
  bench: Bench,
  name: string,
  llm: LoopbackLlm,
  over: RunConfigInput = {},
): Promise<StudyView> {
  const res = await runStudy(llmConfig(bench, name, llm, over), { registry: benchRegistry(bench) });
  return studyView(res.dir, res.runs[0]!.runId, res.runs[0]!.reason);
}

/** The config of such a study: the react agent on the loopback server, the bench's worker, self-reported (hidden-split) scores. */
export function llmConfig(
  bench: Bench,
  name: string,
  llm: LoopbackLlm,
  over: RunConfigInput = {},
): RunConfig {
  return RunConfig.parse({
    ...over,
    out: join(bench.root, 'studies', name),
    hce: 'off',
    direction: 'minimize',
    agent: { name: 'react', maxSteps: 8, ...over.agent },
    llm: { baseUrl: llm.url, model: `scripted-${name}`, apiKeyEnv: 'TEST_KEY', retryBase: 5, ...over.llm },
    budget: { maxJobs: 1, ...over.budget },
    workers: {
      spec: [`hosts:${bench.hostsFile}`],
      tokenFile: bench.tokenFile,
      heartbeat: 500,
      lease: 10_000,
    },
  });
}

/** What one run of a study journaled. */
export function studyView(dir: string, runId: string, reason: string): StudyView {
  const res = { dir };
  const run = { runId, reason };
  const runDir = join(res.dir, run.runId);
  const events = readJournal(join(runDir, 'journal.jsonl')).events;
  return {
    dir: res.dir,
    runDir,
    reason: run.reason,
    events,
    steps: events.flatMap((e) => (e.type === 'step' ? [e.step] : [])),
    candidates: events.flatMap((e) => (e.type === 'candidate.added' ? [e.candidate] : [])),
    costs: events.flatMap((e) => (e.type === 'cost' ? [{ usd: e.usd, detail: e.detail }] : [])),
  };
}

/** Every file under a folder, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** The session's folders and interpreter, as the prompt told the model. */
export function sessionOf(req: ChatRequest): {
  data: string;
  work: string;
  submission: string;
  python: string;
} {
  const text = req.messages.map((m) => m.content ?? '').join('\n');
  const grab = (re: RegExp, what: string) => {
    const m = re.exec(text);
    if (!m) throw new Error(`the prompt does not name ${what}`);
    return m[1]!.trim();
  };
  return {
    data: grab(/- data \(read-only\): (\S+)/, 'the data folder'),
    work: grab(/- work folder [^:]*: (\S+)/, 'the work folder'),
    submission: grab(/- submission folder [^:]*: (\S+)/, 'the submission folder'),
    python: grab(/^Python: (\S+)/m, 'the interpreter'),
  };
}

/** A least-squares solution of the diabetes task with standard-library CSV and numpy; `label` is the target column. */
export function solution(s: { data: string; submission: string }, label = 'progression'): string {
  return `import csv
import numpy as np

def load(name):
    with open(${JSON.stringify(s.data)} + "/" + name) as f:
        return list(csv.DictReader(f))

train = load("train.csv")
feats = [c for c in train[0] if c not in ("id", "progression")]
X = np.array([[float(r[c]) for c in feats] + [1.0] for r in train])
y = np.array([float(r[${JSON.stringify(label)}]) for r in train])
w = np.linalg.lstsq(X, y, rcond=None)[0]
for split in ("search", "validation", "test"):
    rows = load(split + ".csv")
    P = np.array([[float(r[c]) for c in feats] + [1.0] for r in rows]) @ w
    with open(${JSON.stringify(s.submission)} + "/" + split + ".csv", "w") as f:
        f.write("id,progression\\n" + "".join(f"{r['id']},{p}\\n" for r, p in zip(rows, P)))
print("fit on", len(train), "rows")
`;
}

/** A bash command that writes a file with a quoted heredoc. */
export function writeCommand(path: string, text: string): string {
  return `cat > ${path} <<'AIRA_EOF'\n${text}AIRA_EOF`;
}

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}
