import { copyFileSync, readFileSync, truncateSync } from 'node:fs';
import { ConfigError } from '@aira/core';
import type { JournalEvent } from './events.js';

export interface JournalContents {
  events: JournalEvent[];
  /** Bytes of a torn last line (a write cut short by a crash), ignored; 0 when none. */
  tornBytes: number;
  /** Byte length of the intact prefix (where the next event is appended after repair). */
  intactBytes: number;
}

/** The events of one type, typed as that event. */
export function eventsOfType<T extends JournalEvent['type']>(
  events: readonly JournalEvent[],
  type: T,
): Array<Extract<JournalEvent, { type: T }>> {
  return events.filter((e): e is Extract<JournalEvent, { type: T }> => e.type === type);
}

/**
 * Reads a run journal. A torn last line (no newline, or not JSON) is tolerated and reported; a bad
 * line anywhere else, or a gap in `seq`, is corruption and names the file and line.
 */
export function readJournal(path: string): JournalContents {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], tornBytes: 0, intactBytes: 0 };
    throw err;
  }
  return parseJournal(buf, path);
}

/** A journal with a bad line before its last: `goodBytes` and `goodEvents` are its intact prefix. */
export class CorruptJournalError extends ConfigError {
  constructor(
    message: string,
    readonly path: string,
    readonly goodEvents: number,
    readonly goodBytes: number,
  ) {
    super(message);
  }
}

/**
 * Cuts a corrupt journal back to its last good event, keeping the whole file beside it as
 * `journal.jsonl.corrupt-<time>`; the run then resumes from that event (what came after is lost
 * to the run, not to the user). Returns null when the journal is intact.
 */
export function repairJournal(path: string): { backup: string; kept: number } | null {
  try {
    readJournal(path);
    return null;
  } catch (err) {
    if (!(err instanceof CorruptJournalError)) throw err;
    const backup = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    copyFileSync(path, backup);
    truncateSync(path, err.goodBytes);
    return { backup, kept: err.goodEvents };
  }
}

export function parseJournal(buf: Buffer, path = 'journal'): JournalContents {
  const events: JournalEvent[] = [];
  let start = 0;
  let line = 0;
  while (start < buf.length) {
    line++;
    const nl = buf.indexOf(0x0a, start);
    const end = nl < 0 ? buf.length : nl;
    const text = buf.subarray(start, end).toString('utf8');
    const isLast = nl < 0 || nl === buf.length - 1;
    let event: JournalEvent | undefined;
    try {
      event = text.trim() === '' ? undefined : (JSON.parse(text) as JournalEvent);
    } catch {
      event = undefined;
    }
    const complete = nl >= 0;
    if (!complete || (event === undefined && text.trim() !== '')) {
      if (isLast) return { events, tornBytes: buf.length - start, intactBytes: start };
      throw new CorruptJournalError(
        `journal ${path}:${line}: not a JSON event (the journal is corrupt before its last line)`,
        path,
        events.length,
        start,
      );
    }
    if (event) {
      const expected = events.length === 0 ? event.seq : events[events.length - 1]!.seq + 1;
      if (typeof event.seq !== 'number' || event.seq !== expected) {
        throw new CorruptJournalError(
          `journal ${path}:${line}: seq ${String(event.seq)} where ${expected} was expected`,
          path,
          events.length,
          start,
        );
      }
      events.push(event);
    }
    start = end + 1;
  }
  return { events, tornBytes: 0, intactBytes: buf.length };
}
