import { parseDuration } from '@aira/core';

/** A time cut-off of every cell (docs/words.md §checkpoint), as written in the matrix and in ms of active time. */
export interface Checkpoint {
  label: string;
  ms: number;
}

/**
 * Reads one checkpoint: "3h" / "90s" (absolute), "25%" or a number in (0, 1] (a fraction of the
 * budget). Returns an error text instead of throwing so the caller can name the line.
 */
export function parseCheckpoint(spec: string | number, budgetMs: number): Checkpoint | string {
  if (typeof spec === 'number') {
    if (!(spec > 0 && spec <= 1))
      return `${spec}: a number is a fraction of the budget in (0, 1]; write durations with a unit (90s, 3h)`;
    return { label: percent(spec), ms: Math.round(spec * budgetMs) };
  }
  const text = spec.trim();
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (pct) {
    const f = Number(pct[1]) / 100;
    if (!(f > 0 && f <= 1)) return `${text}: a percentage of the budget must be in (0%, 100%]`;
    return { label: text, ms: Math.round(f * budgetMs) };
  }
  if (/^\d+(\.\d+)?$/.test(text)) return `${text}: give a unit (90s, 3h) or a percentage of the budget (25%)`;
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (err) {
    return (err as Error).message;
  }
  if (ms <= 0) return `${text}: a checkpoint must be after the start`;
  if (ms > budgetMs) return `${text}: after the end of the budget`;
  return { label: text, ms };
}

function percent(f: number): string {
  return `${Number((f * 100).toFixed(4))}%`;
}
