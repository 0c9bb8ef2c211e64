import { formatDuration } from '@aira/core';
import type { ExecResult } from '@aira/coordinator';
import { clip } from '../llm/clip.js';

export { clip };

/**
 * What the model sees after a bash or python call: the output (head and tail when long, with the
 * full log named), how it ended and how long it took (docs/paper.md §ReAct: observations report
 * the command's duration), and the budget left.
 */
export function execObservation(r: ExecResult, maxChars: number, budgetNote: string): string {
  const out = r.output.trimEnd();
  const { text, clipped } = clip(out, maxChars, r.logPath);
  const lines = [text === '' ? '(no output)' : text, '---'];
  const ended = r.reason
    ? `stopped (${r.reason})`
    : r.signal
      ? `killed by ${r.signal}`
      : `exit code ${r.exitCode}`;
  lines.push(`${ended} · took ${formatDuration(r.durationMs)}`);
  if (r.clipped && !clipped)
    lines.push(`(the worker kept only the head and tail of the output; the full log is ${r.logPath})`);
  if (r.stateLost) lines.push('(the interpreter was restarted: its variables and imports are gone)');
  if (budgetNote) lines.push(budgetNote);
  return lines.join('\n');
}
