import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { noTotals, type JobTotals } from '../llm/job.js';
import type { Redactor } from '../llm/redact.js';
import type { Turn } from '../llm/types.js';

/**
 * A ReAct job's conversation as JSON lines, appended as each turn is added (before any tool of a
 * reply runs), so a coordinator that restarts continues the job from it instead of starting over.
 * The LLM log holds every request whole; this holds only what the next request is built from, and
 * each reply's usage, so the tokens already spent are restored, never counted again.
 */

type Entry =
  | { kind: 'turn'; step: number; turn: Turn; usage?: Omit<JobTotals, 'calls'> }
  | { kind: 'state'; lastSubmitPath?: string; kernelReady?: boolean };

export interface SavedConversation {
  turns: Turn[];
  /** The step of the last reply (0 before the first). */
  step: number;
  totals: JobTotals;
  lastSubmitPath: string | null;
  kernelReady: boolean;
}

export function conversationPath(runDir: string, jobId: string, attempt: number): string {
  return join(runDir, 'llm', `${jobId}-a${attempt}.conversation.jsonl`);
}

export class Conversation {
  private chain: Promise<void>;

  constructor(
    readonly path: string,
    private readonly redactor: Redactor,
  ) {
    this.chain = mkdir(dirname(path), { recursive: true }).then(() => undefined);
  }

  /** Resolves once the entry is written (a failing disk fails the job: it could not be resumed). */
  private append(entry: Entry): Promise<void> {
    const line = `${JSON.stringify(this.redactor.value(entry))}\n`;
    this.chain = this.chain.then(() => appendFile(this.path, line));
    return this.chain;
  }

  turn(step: number, turn: Turn, usage?: Omit<JobTotals, 'calls'>): Promise<void> {
    return this.append({ kind: 'turn', step, turn, ...(usage ? { usage } : {}) });
  }

  state(s: { lastSubmitPath?: string; kernelReady?: boolean }): Promise<void> {
    return this.append({ kind: 'state', ...s });
  }

  /** The saved conversation; null when there is none. A torn last line (a kill mid-write) is left out. */
  static async read(path: string): Promise<SavedConversation | null> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return null;
    }
    const saved: SavedConversation = {
      turns: [],
      step: 0,
      totals: noTotals(),
      lastSubmitPath: null,
      kernelReady: false,
    };
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let e: Entry;
      try {
        e = JSON.parse(line) as Entry;
      } catch {
        break;
      }
      if (e.kind === 'state') {
        if (e.lastSubmitPath !== undefined) saved.lastSubmitPath = e.lastSubmitPath;
        if (e.kernelReady !== undefined) saved.kernelReady = e.kernelReady;
        continue;
      }
      saved.turns.push(e.turn);
      saved.step = Math.max(saved.step, e.step);
      if (e.usage) {
        const t = saved.totals;
        t.calls++;
        t.promptTokens += e.usage.promptTokens;
        t.completionTokens += e.usage.completionTokens;
        t.cachedTokens += e.usage.cachedTokens;
        t.costUsd += e.usage.costUsd;
        t.estimated ||= e.usage.estimated;
      }
    }
    return saved.turns.length > 0 ? saved : null;
  }
}
