import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError, formatDuration } from '@aira/core';
import {
  ArtifactStore,
  locateStudy,
  readJournal,
  replay,
  studyStatus,
  type CandidateRecord,
  type JournalEvent,
  type RunState,
  studiesDir,
} from '@aira/coordinator';

/**
 * `aira show STUDY [CANDIDATE]`: the job that made a candidate, read from the run journal (never
 * written): parents and scores, timings, LLM tokens and cost, and the trajectory step by step —
 * model turns, tool calls and their outputs (truncated), execs. Without a candidate, the
 * candidates of each run.
 */

interface ShowFlags {
  out?: string;
  chars: string;
  code?: boolean;
}

export function register(program: Command): void {
  program
    .command('show')
    .description(
      'Print the job that made a candidate: steps, tool calls, outputs (truncated), timings, tokens and cost, parents and scores',
    )
    .argument('<study>', 'a study id (under --out) or folder')
    .argument(
      '[candidate]',
      'a candidate (c0003) or job (j0003); RUN/c0003 when the study has several runs. Omitted: list the candidates',
    )
    .option('--out <dir>', 'folder that holds studies [AIRA_OUT]')
    .option('--chars <n>', 'characters shown of each text (0: all)', '600')
    .option('--code', "also print the candidate's code")
    .action((study: string, candidate: string | undefined, flags: ShowFlags) => {
      const chars = Number(flags.chars);
      if (!Number.isInteger(chars) || chars < 0)
        throw new UserError(`--chars: "${flags.chars}" is not a whole number of characters`);
      const dir = locateStudy(study, studiesDir(flags.out));
      process.stdout.write(`${showStudy(dir, candidate, { chars, code: Boolean(flags.code) })}\n`);
    });
}

interface RunView {
  runId: string;
  dir: string;
  events: JournalEvent[];
  state: RunState;
}

function loadRuns(dir: string): RunView[] {
  return studyStatus(dir).runs.map((r) => {
    const runDir = join(dir, r.runId);
    const events = readJournal(join(runDir, 'journal.jsonl')).events;
    return { runId: r.runId, dir: runDir, events, state: replay(events) };
  });
}

export function showStudy(
  dir: string,
  which: string | undefined,
  opts: { chars: number; code?: boolean },
): string {
  const runs = loadRuns(dir);
  if (!which) return runs.map((r) => listRun(r)).join('\n\n');
  const [runPart, idPart] = which.includes('/')
    ? (which.split('/', 2) as [string, string])
    : [undefined, which];
  const found = runs
    .filter((r) => !runPart || r.runId === runPart)
    .flatMap((r) => {
      const c =
        r.state.candidates.get(idPart) ?? [...r.state.candidates.values()].find((x) => x.jobId === idPart);
      return c ? [{ run: r, c }] : [];
    });
  if (found.length === 0) {
    const known = runs
      .map((r) => `${r.runId}: ${[...r.state.candidates.keys()].join(', ') || 'none'}`)
      .join('; ');
    throw new UserError(`no candidate "${which}" in study ${dir}`, `candidates by run: ${known}`);
  }
  if (found.length > 1)
    throw new UserError(
      `"${which}" is in several runs (${found.map((f) => f.run.runId).join(', ')})`,
      `name one, e.g. ${found[0]!.run.runId}/${idPart}`,
    );
  return showCandidate(found[0]!.run, found[0]!.c, opts);
}

// ---- list ---------------------------------------------------------------------------------------

function scoreText(c: CandidateRecord): string {
  const s = c.scores;
  if (!s.valid) return `invalid: ${firstLine(s.reason ?? '')}`;
  const parts = [`search ${fmt(s.search)}`];
  if (s.validation !== undefined) parts.push(`validation ${fmt(s.validation)}`);
  if (s.test !== undefined) parts.push(`test ${fmt(s.test)}`);
  return parts.join(' · ');
}

function listRun(r: RunView): string {
  const s = r.state;
  const costs = costsBy(r.events);
  const total = [...costs.values()].reduce((a, c) => ({ usd: a.usd + c.usd, tokens: a.tokens + c.tokens }), {
    usd: 0,
    tokens: 0,
  });
  const head = [
    `run ${r.runId}`,
    s.ended ? `ended (${s.ended.reason})` : 'not ended',
    `${s.candidates.size} candidate(s)`,
  ];
  if (total.tokens > 0 || total.usd > 0)
    head.push(`LLM ${usd(total.usd)}, ${total.tokens.toLocaleString('en-US')} tokens`);
  const lines = [head.join(' · ')];
  for (const c of s.candidates.values()) {
    const cost = costs.get(`${c.jobId}/a${c.attempt}`);
    const steps = r.events.filter(
      (e) => e.type === 'step' && e.jobId === c.jobId && e.attempt === c.attempt,
    ).length;
    const lineage = c.parents.length ? ` of ${c.parents.join('+')}` : '';
    const took = formatDuration(c.timings.submittedAt - c.timings.startedAt);
    const extra = [`${steps} steps`, took, ...(cost ? [usd(cost.usd)] : [])].join(', ');
    lines.push(`  ${c.id} ${`${c.operator}${lineage}`.padEnd(22)} ${scoreText(c)}  (${extra})`);
  }
  if (s.ended?.finalPick)
    lines.push(
      `  final pick: ${s.ended.finalPick.candidateId} by ${s.ended.finalPick.by} score ${s.ended.finalPick.score}`,
    );
  return lines.join('\n');
}

// ---- one candidate ------------------------------------------------------------------------------

function showCandidate(r: RunView, c: CandidateRecord, opts: { chars: number; code?: boolean }): string {
  const s = r.state;
  const ev = r.events.filter(
    (e) => 'jobId' in e && e.jobId === c.jobId && (!('attempt' in e) || e.attempt === c.attempt),
  );
  const started = ev.find((e) => e.type === 'attempt.started');
  const t0 = started?.t ?? c.timings.startedAt;
  const out: string[] = [];
  const lineage = c.parents.length ? ` of ${c.parents.join(' + ')}` : '';
  out.push(
    `${c.id} · ${c.operator}${lineage} · run ${r.runId} · job ${c.jobId} attempt ${c.attempt} on ${c.workerId}`,
  );
  out.push(`scores: ${scoreText(c)}`);
  if (!c.scores.valid && c.scores.reason && c.scores.reason.includes('\n'))
    out.push(indent(clipText(c.scores.reason, opts.chars), 4));
  if (c.summary) out.push(`summary: ${c.summary}`);
  out.push(
    `time: ${formatDuration(c.timings.submittedAt - c.timings.startedAt)} to submit, graded ${formatDuration(c.timings.evaluatedAt - c.timings.submittedAt)} later, at ${formatDuration(c.timings.activeMs)} of run time`,
  );
  const cost = costsBy(r.events).get(`${c.jobId}/a${c.attempt}`);
  if (cost) {
    out.push(
      `LLM: ${cost.calls} call(s) · ${cost.prompt.toLocaleString('en-US')} prompt + ${cost.completion.toLocaleString('en-US')} completion tokens · ${usd(cost.usd)}${cost.models.size ? ` · ${[...cost.models].join(', ')}` : ''}`,
    );
  }
  if (c.parents.length) {
    out.push('parents:');
    for (const id of c.parents) {
      const p = s.candidates.get(id);
      out.push(
        p
          ? `  ${p.id} ${p.operator} · ${scoreText(p)}${p.summary ? ` · ${firstLine(p.summary)}` : ''}`
          : `  ${id} (not in the journal)`,
      );
    }
  }
  out.push('steps:');
  for (const e of ev) {
    const at = `+${formatDuration(Math.max(0, e.t - t0))}`.padStart(8);
    if (e.type === 'step') out.push(...stepLines(e.step, at, opts.chars));
    else if (e.type === 'exec.finished') {
      const started = ev.find((x) => x.type === 'exec.started' && x.execId === e.execId) as
        Extract<JournalEvent, { type: 'exec.started' }> | undefined;
      const how = e.reason ? `stopped (${e.reason})` : `exit ${e.exitCode}`;
      out.push(
        `${at}  exec ${started?.label ?? e.execId} · ${formatDuration(e.durationMs)} · ${how}${started ? ` · log ${started.log}` : ''}`,
      );
    } else if (e.type === 'attempt.submitted') out.push(`${at}  submitted`);
    else if (e.type === 'attempt.abandoned' || e.type === 'attempt.cancelled')
      out.push(`${at}  ${e.type.split('.')[1]}: ${e.reason}`);
  }
  if (opts.code) {
    out.push('code:');
    out.push(indent(new ArtifactStore(join(r.dir, 'artifacts')).text(c.code), 4));
  }
  return out.join('\n');
}

/** One journaled step as lines: the react and operators kinds by name, anything else as JSON. */
function stepLines(step: Record<string, unknown>, at: string, chars: number): string[] {
  const kind = str(step.kind ?? 'step');
  const text = (v: unknown) => indent(clipText(str(v ?? ''), chars), 12);
  switch (kind) {
    case 'react.start':
    case 'operators.start': {
      const limits = step.limits as Record<string, unknown> | undefined;
      const bits = [
        `model ${str(step.model)}`,
        ...(step.protocol ? [`${str(step.protocol)} tool calls`] : []),
        ...(step.template ? [`template ${str(step.template)}`] : []),
      ];
      if (limits)
        bits.push(
          `≤${str(limits.maxSteps)} steps${limits.maxTokens ? `, ≤${str(limits.maxTokens)} tokens` : ''}, ${formatDuration(Number(limits.timeMs))}`,
        );
      return [
        `${at}  ${kind.split('.')[0]} start · ${bits.join(' · ')} · LLM log ${str(step.llmLog)}`,
        ...(chars === 0 ? [text(step.prompt)] : []),
      ];
    }
    case 'react.llm':
    case 'operators.llm': {
      const u = step.usage as
        { promptTokens: number; completionTokens: number; estimated?: boolean } | undefined;
      const tokens = u
        ? `${u.promptTokens}+${u.completionTokens} tokens${u.estimated ? ' (estimated)' : ''}`
        : '';
      const lines = [
        `${at}  [${str(step.step)}] model · ${formatDuration(Number(step.durationMs))} · ${tokens} · ${usd(Number(step.costUsd ?? 0))}${Number(step.attempts) > 1 ? ` · ${str(step.attempts)} attempts` : ''}`,
      ];
      if (str(step.content ?? '').trim()) lines.push(text(step.content));
      for (const call of (step.toolCalls as
        Array<{ name: string; arguments: string; error?: string }> | undefined) ?? []) {
        lines.push(
          `            → ${call.name || '(unreadable call)'} ${clipText(call.arguments, chars).replace(/\n/g, '\n              ')}${call.error ? `  [${call.error}]` : ''}`,
        );
      }
      return lines;
    }
    case 'react.tool': {
      const how =
        step.exitCode !== undefined
          ? step.reason
            ? ` · stopped (${str(step.reason)})`
            : ` · exit ${str(step.exitCode)}`
          : '';
      const name = step.tool === null ? 'no tool called' : str(step.tool);
      return [
        `${at}  [${str(step.step)}] ${name} · ${formatDuration(Number(step.durationMs ?? 0))}${how}${step.error ? ' · error' : ''}`,
        text(step.observation),
      ];
    }
    case 'react.end':
    case 'operators.end':
      return [
        `${at}  end: ${str(step.reason)}${step.submitted ? ` (${str(step.submitted)})` : ''} · ${str(step.calls)} call(s), ${Number(step.tokens).toLocaleString('en-US')} tokens, ${usd(Number(step.costUsd))}`,
      ];
    default: {
      const { kind: _k, ...rest } = step;
      return [`${at}  ${kind} ${clipText(JSON.stringify(rest), chars)}`];
    }
  }
}

interface CostTotals {
  usd: number;
  tokens: number;
  prompt: number;
  completion: number;
  calls: number;
  models: Set<string>;
}

/** LLM spending per job attempt (`j0003/a1`), from the run's `cost` events. */
function costsBy(events: JournalEvent[]): Map<string, CostTotals> {
  const by = new Map<string, CostTotals>();
  for (const e of events) {
    if (e.type !== 'cost') continue;
    const key = `${e.jobId}/a${e.attempt}`;
    const t = by.get(key) ?? {
      usd: 0,
      tokens: 0,
      prompt: 0,
      completion: 0,
      calls: 0,
      models: new Set<string>(),
    };
    const d = e.detail ?? {};
    t.usd += e.usd;
    t.prompt += Number(d.promptTokens ?? 0);
    t.completion += Number(d.completionTokens ?? 0);
    t.tokens = t.prompt + t.completion;
    t.calls++;
    if (typeof d.model === 'string') t.models.add(d.model);
    by.set(key, t);
  }
  return by;
}

function fmt(n: number | null | undefined): string {
  return n === null || n === undefined ? '-' : String(Number(n.toPrecision(6)));
}

function usd(n: number): string {
  return `$${n.toFixed(n !== 0 && n < 0.01 ? 4 : 2)}`;
}

function firstLine(s: string): string {
  const line = s.trim().split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}

/** Head and tail of a text (0: all of it). */
export function clipText(s: string, chars: number): string {
  const t = s.trimEnd();
  if (chars === 0 || t.length <= chars) return t;
  const head = Math.ceil(chars / 2);
  return `${t.slice(0, head)}\n[… ${t.length - chars} characters …]\n${t.slice(t.length - (chars - head))}`;
}

function indent(s: string, n: number): string {
  const pad = ' '.repeat(n);
  return s
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** A journaled value as text: objects as JSON rather than `[object Object]`. */
function str(v: unknown): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}
