import type { JournalEvent } from '../journal/events.js';

/** LLM spending as the journal's `cost` events report it. */
export interface Spend {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  usd: number;
  /** True when some call's tokens were estimated (the server reported none). */
  estimated: boolean;
}

export const noSpend = (): Spend => ({
  calls: 0,
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  usd: 0,
  estimated: false,
});

export function addSpend(to: Spend, s: Spend): Spend {
  to.calls += s.calls;
  to.promptTokens += s.promptTokens;
  to.completionTokens += s.completionTokens;
  to.cachedTokens += s.cachedTokens;
  to.usd += s.usd;
  to.estimated ||= s.estimated;
  return to;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** A run's spending in total and per job, from its journal (each reply is one `cost` event, journaled once). */
export function spendOf(events: Iterable<JournalEvent>): { total: Spend; byJob: Map<string, Spend> } {
  const total = noSpend();
  const byJob = new Map<string, Spend>();
  for (const e of events) {
    if (e.type !== 'cost') continue;
    const d = e.detail ?? {};
    const s: Spend = {
      calls: 1,
      promptTokens: num(d.promptTokens),
      completionTokens: num(d.completionTokens),
      cachedTokens: num(d.cachedTokens),
      usd: e.usd,
      estimated: d.estimated === true,
    };
    addSpend(total, s);
    addSpend(byJob.get(e.jobId) ?? byJob.set(e.jobId, noSpend()).get(e.jobId)!, s);
  }
  return { total, byJob };
}

/** "$0.4210 · 1.23M tokens (1.20M prompt, 31.0k completion) in 57 calls", "~" before estimated counts. */
export function formatSpend(s: Spend): string {
  const approx = s.estimated ? '~' : '';
  const usd = s.usd >= 100 ? s.usd.toFixed(2) : s.usd.toFixed(4);
  return `$${usd} · ${approx}${tokens(s.promptTokens + s.completionTokens)} tokens (${approx}${tokens(s.promptTokens)} prompt${s.cachedTokens ? `, ${tokens(s.cachedTokens)} cached` : ''}, ${approx}${tokens(s.completionTokens)} completion) in ${s.calls} call${s.calls === 1 ? '' : 's'}`;
}

function tokens(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}
