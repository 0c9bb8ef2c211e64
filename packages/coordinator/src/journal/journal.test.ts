import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@aira/testing';
import { readJournal } from './reader.js';
import { JournalWriter } from './writer.js';

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

function fresh(): string {
  const t = tempDir();
  cleanup = t.cleanup;
  return join(t.dir, 'run', 'journal.jsonl');
}

describe('journal', () => {
  it('appends events with seq 0, 1, 2… and reads them back', async () => {
    const path = fresh();
    const { writer, events } = await JournalWriter.open(path, () => 42);
    expect(events).toEqual([]);
    await writer.append({ type: 'tick' });
    await writer.append({ type: 'worker.lost', workerId: 'w1', reason: 'gone' });
    await writer.close();
    const read = readJournal(path);
    expect(read.tornBytes).toBe(0);
    expect(read.events.map((e) => [e.seq, e.type, e.active])).toEqual([
      [0, 'tick', 42],
      [1, 'worker.lost', 42],
    ]);
  });

  it('keeps the order of many concurrent appends (group commit) and all are durable when awaited', async () => {
    const path = fresh();
    const { writer } = await JournalWriter.open(path, () => 0);
    const all = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        writer.append({ type: 'step', jobId: `j${i}`, attempt: 1, step: { i } }),
      ),
    );
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    // Durable means on disk before close: read while the writer is still open.
    const read = readJournal(path);
    expect(read.events).toHaveLength(500);
    expect(read.events.map((e) => (e as { jobId: string }).jobId)).toEqual(
      all.map((e) => (e as { jobId: string }).jobId),
    );
    await writer.close();
  });

  it('has each line in the file when write returns, before its sync (what a dead coordinator leaves)', async () => {
    const path = fresh();
    const { writer } = await JournalWriter.open(path, () => 0);
    const first = writer.write({ type: 'tick' });
    const second = writer.write({ type: 'worker.lost', workerId: 'w1', reason: 'gone' });
    // Read before either sync has had a turn of the event loop.
    expect(readJournal(path).events.map((e) => e.seq)).toEqual([first.event.seq, second.event.seq]);
    await Promise.all([first.durable, second.durable]);
    await writer.close();
  });

  it('tolerates a torn last line, cuts it off on reopen and continues the sequence', async () => {
    const path = fresh();
    const { writer } = await JournalWriter.open(path, () => 0);
    await writer.append({ type: 'tick' });
    await writer.append({ type: 'tick' });
    await writer.close();
    appendFileSync(path, '{"seq":2,"t":1,"active":0,"type":"cand');
    const torn = readJournal(path);
    expect(torn.events).toHaveLength(2);
    expect(torn.tornBytes).toBe('{"seq":2,"t":1,"active":0,"type":"cand'.length);

    const reopened = await JournalWriter.open(path, () => 0);
    expect(reopened.tornBytes).toBeGreaterThan(0);
    expect(reopened.writer.seq).toBe(2);
    await reopened.writer.append({ type: 'run.resumed', pid: 1 });
    await reopened.writer.close();
    const after = readJournal(path);
    expect(after.tornBytes).toBe(0);
    expect(after.events.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(after.events[2]!.type).toBe('run.resumed');
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
  });

  it('treats a complete but unparsable last line as torn', () => {
    const path = fresh();
    writeFileSync(
      path.replace('run/journal.jsonl', 'j.jsonl'),
      '{"seq":0,"t":1,"active":0,"type":"tick"}\n\u0000\u0000\u0000\n',
    );
    const read = readJournal(path.replace('run/journal.jsonl', 'j.jsonl'));
    expect(read.events).toHaveLength(1);
    expect(read.tornBytes).toBe(4);
  });

  it('refuses corruption before the last line, naming file and line', () => {
    const path = fresh().replace('run/journal.jsonl', 'bad.jsonl');
    writeFileSync(
      path,
      '{"seq":0,"t":1,"active":0,"type":"tick"}\nnot json\n{"seq":1,"t":1,"active":0,"type":"tick"}\n',
    );
    expect(() => readJournal(path)).toThrow(new RegExp(`journal ${path}:2: not a JSON event`));
  });

  it('refuses a gap in seq', () => {
    const path = fresh().replace('run/journal.jsonl', 'gap.jsonl');
    writeFileSync(
      path,
      '{"seq":0,"t":1,"active":0,"type":"tick"}\n{"seq":2,"t":1,"active":0,"type":"tick"}\n',
    );
    expect(() => readJournal(path)).toThrow(/gap.jsonl:2: seq 2 where 1 was expected/);
  });

  it('reads a missing journal as empty', () => {
    expect(readJournal('/nonexistent/journal.jsonl')).toEqual({ events: [], tornBytes: 0, intactBytes: 0 });
  });
});
