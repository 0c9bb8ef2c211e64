import { appendFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@aira/testing';
import { readJournal } from './reader.js';
import { JournalTail } from './tail.js';
import { JournalWriter } from './writer.js';

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

function fresh(): string {
  const t = tempDir();
  cleanup = t.cleanup;
  return join(t.dir, 'journal.jsonl');
}

const line = (seq: number) => `${JSON.stringify({ seq, t: seq, active: seq, type: 'tick' })}\n`;

describe('JournalTail', () => {
  it('returns only what was appended since the last poll, and the same events readJournal reads', async () => {
    const path = fresh();
    const tail = new JournalTail(path);
    expect(tail.poll().events).toEqual([]); // no file yet
    const { writer } = await JournalWriter.open(path, () => 7);
    await writer.append({ type: 'tick' });
    await writer.append({ type: 'worker.lost', workerId: 'w', reason: 'gone' });
    expect(tail.poll().events.map((e) => e.seq)).toEqual([0, 1]);
    expect(tail.poll().events).toEqual([]);
    await writer.append({ type: 'tick' });
    const more = tail.poll();
    expect(more.events.map((e) => e.seq)).toEqual([2]);
    await writer.close();
    expect(tail.offset).toBe(readJournal(path).intactBytes);
  });

  it('waits on a line still being written and takes it once its newline arrives', () => {
    const path = fresh();
    writeFileSync(path, line(0));
    const half = line(1);
    appendFileSync(path, half.slice(0, 10));
    const tail = new JournalTail(path);
    expect(tail.poll().events.map((e) => e.seq)).toEqual([0]);
    expect(tail.pendingBytes).toBe(10);
    appendFileSync(path, half.slice(10) + line(2));
    expect(tail.poll().events.map((e) => e.seq)).toEqual([1, 2]);
    expect(tail.error).toBeNull();
    expect(tail.pendingBytes).toBe(0);
  });

  it('keeps the events before a corrupt line and names the file and line of the rest', () => {
    const path = fresh();
    writeFileSync(path, line(0) + line(1) + 'not json\n' + line(3));
    const tail = new JournalTail(path);
    expect(tail.poll().events.map((e) => e.seq)).toEqual([0, 1]);
    expect(tail.error).toBe(
      `journal ${path}:3: not a JSON event (the journal is corrupt here; events before it are shown)`,
    );
    appendFileSync(path, line(4));
    expect(tail.poll().events).toEqual([]);
  });

  it('reads a line longer than its read size whole', () => {
    const path = fresh();
    const big = `${JSON.stringify({ seq: 0, t: 0, active: 0, type: 'step', jobId: 'j', attempt: 1, step: { text: 'x'.repeat(9 * 1024 * 1024) } })}\n`;
    writeFileSync(path, big + line(1));
    const tail = new JournalTail(path);
    expect(tail.poll().events.map((e) => e.seq)).toEqual([0, 1]);
    expect(tail.offset).toBe(Buffer.byteLength(big) + line(1).length);
  });

  it('stops at a gap in seq', () => {
    const path = fresh();
    writeFileSync(path, line(0) + line(2));
    const tail = new JournalTail(path);
    expect(tail.poll().events.map((e) => e.seq)).toEqual([0]);
    expect(tail.error).toMatch(/:2: seq 2 where 1 was expected/);
  });

  it('starts again when the file is replaced by a shorter one', () => {
    const path = fresh();
    writeFileSync(path, line(0) + line(1));
    const tail = new JournalTail(path);
    tail.poll();
    truncateSync(path, 0);
    writeFileSync(path, line(0));
    const again = tail.poll();
    expect(again.reset).toBe(true);
    expect(again.events.map((e) => e.seq)).toEqual([0]);
  });
});
