import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal, type JournalEvent } from '@aira/coordinator';
import { eventLine } from './lines.js';
import { renderScreen } from './screen.js';
import { LiveState } from './state.js';

export type ProgressMode = 'live' | 'lines' | 'json' | 'quiet';

export interface Progress {
  readonly mode: ProgressMode;
  readonly state: LiveState;
  onEvent(runId: string, e: JournalEvent): void;
  /** The study is known (its folder and workers): seeds the view from journals already written (resume). */
  onReady(info: { studyId: string; dir: string; workers: ReadonlyArray<{ id: string }> }): void;
  /** Stops redrawing and leaves the last screen in place. */
  close(): void;
}

/** --json, --quiet, else the live view on a terminal and plain lines elsewhere. */
export function progressMode(
  flags: { json?: boolean; quiet?: boolean },
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): ProgressMode {
  if (flags.json) return 'json';
  if (flags.quiet) return 'quiet';
  return stream.isTTY && env.TERM !== 'dumb' && !env.CI ? 'live' : 'lines';
}

interface StudyFile {
  config?: { budget?: { wallClock?: number } };
  runs?: Array<{ runId: string; competition: string | null }>;
}

function readStudyFile(dir: string): StudyFile {
  try {
    return JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8')) as StudyFile;
  } catch {
    return {};
  }
}

/**
 * The progress of `aira run`: `live` redraws a block on the terminal (stderr) once a second and
 * whenever something happens, keeping other stderr output above it; `lines` writes one line per
 * notable event; `json` writes every journal event as one JSON line on stdout; `quiet` nothing.
 */
export function createProgress(
  mode: ProgressMode,
  io: { out: NodeJS.WriteStream; err: NodeJS.WriteStream } = { out: process.stdout, err: process.stderr },
): Progress {
  const state = new LiveState();
  let screen: ReturnType<typeof liveScreen> | null = null;
  return {
    mode,
    state,
    onReady(info) {
      const doc = readStudyFile(info.dir);
      state.setStudy(info.studyId, info.dir, doc.runs ?? [], doc.config?.budget?.wallClock ?? 0);
      // A resumed study: what its runs did before, for the view (the other modes print only what happens now).
      if (mode === 'live') {
        for (const r of doc.runs ?? []) {
          for (const e of readJournal(join(info.dir, r.runId, 'journal.jsonl')).events)
            state.apply(r.runId, e, true);
        }
      }
      for (const w of info.workers) state.addWorker(w.id);
      if (mode === 'live' && !screen) screen = liveScreen(state, io.err);
      screen?.draw();
    },
    onEvent(runId, e) {
      state.apply(runId, e);
      if (mode === 'json') io.out.write(`${JSON.stringify({ run: runId, ...e })}\n`);
      else if (mode === 'lines') {
        const line = eventLine(runId, e);
        if (line) io.err.write(`${line}\n`);
      } else if (mode === 'live') screen?.dirty();
    },
    close() {
      screen?.close();
      screen = null;
    },
  };
}

/**
 * Draws the view at the bottom of the terminal. Whatever else is written to the stream meanwhile
 * (warnings, the worker registration line) is printed above the block, which is then drawn again.
 */
function liveScreen(state: LiveState, stream: NodeJS.WriteStream) {
  const write = stream.write.bind(stream) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
  let shown = 0;
  let pending = false;
  let closed = false;
  const erase = () => {
    if (shown > 0) write(`\x1b[${shown}F\x1b[J`);
    shown = 0;
  };
  const draw = (final = false) => {
    pending = false;
    if (closed) return;
    const lines = renderScreen(state, Date.now(), Math.max(40, (stream.columns ?? 100) - 1), final);
    erase();
    write(`${lines.join('\n')}\n`);
    shown = lines.length;
  };
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    erase();
    const ok = write(chunk, ...rest);
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.endsWith('\n')) draw();
    return ok;
  }) as typeof stream.write;
  const timer = setInterval(() => draw(), 1_000);
  timer.unref();
  return {
    draw,
    dirty() {
      if (pending) return;
      pending = true;
      setTimeout(() => draw(), 100).unref();
    },
    close() {
      clearInterval(timer);
      draw(true);
      closed = true;
      stream.write = write as typeof stream.write;
    },
  };
}
