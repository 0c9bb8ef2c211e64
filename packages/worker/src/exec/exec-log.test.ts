import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecResponse, OutputStream, type ExecEvent } from '@aira/protocol';
import { ExecLog, recordBytes } from './exec-log.js';

// A folder per test, made when it starts (not at import): a folder made at collection time could
// be gone by the time a later test in the file runs.
let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aira-execlog-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(log: ExecLog, fromSeq: number): Promise<ExecEvent[]> {
  const out: ExecEvent[] = [];
  const reader = log.reader(fromSeq);
  for (;;) {
    const records = await reader.next(4096);
    if (!records.length) break;
    for (const r of records) out.push(ExecResponse.decode(recordBytes(r)).event!);
  }
  await reader.close();
  return out;
}

describe('ExecLog', () => {
  it('serves readers that keep up from memory and slow ones from the file, seamlessly', async () => {
    const log = new ExecLog(join(dir, 'c.log'), 1 << 30);
    const slow = log.reader(0);
    const live = log.reader(0);
    const seen: number[] = [];
    log.append({ $case: 'started', value: { execId: 'e3', sessionId: 's', startedUnixMs: 1 } });
    // 12 MB in 256 KiB chunks: far more than the in-memory tail (4 MiB).
    for (let i = 0; i < 48; i++) {
      log.appendOutput(OutputStream.OUTPUT_STREAM_STDOUT, [Buffer.alloc(256 * 1024, i)]);
      for (const r of await live.next()) seen.push(ExecResponse.decode(recordBytes(r)).event!.seq);
    }
    log.append({
      $case: 'finished',
      value: {
        exitCode: 0,
        signal: '',
        durationMs: 1,
        peakMemoryBytes: 0,
        reason: '',
        protection: 'none',
        stateLost: false,
        outputBytes: log.outputBytes,
        outputTruncated: false,
      },
    });
    for (const r of await live.next()) seen.push(ExecResponse.decode(recordBytes(r)).event!.seq);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const late: number[] = [];
    for (let recs = await slow.next(); recs.length; recs = await slow.next()) {
      for (const r of recs) {
        const e = ExecResponse.decode(recordBytes(r)).event!;
        if (e.event?.$case === 'output') expect(e.event.value.data[0]).toBe(e.seq - 1);
        late.push(e.seq);
      }
    }
    expect(late).toEqual(seen);
    await slow.close();
    await live.close();
    log.remove();
  });

  it('stores records ts-proto decodes, and replays from any seq with no gap or duplicate', async () => {
    const log = new ExecLog(join(dir, 'a.log'), 1 << 30);
    log.append(
      { $case: 'started', value: { execId: 'e1', sessionId: 's1', startedUnixMs: 1_796_000_000_123 } },
      1_796_000_000_123,
    );
    // Sizes around varint boundaries (127/128, 16383/16384) and across index blocks (stride 256).
    const sizes = Array.from({ length: 700 }, (_, i) => [1, 127, 128, 16_383, 16_384, 300][i % 6]!);
    sizes.forEach((n, i) =>
      log.appendOutput(
        i % 3 ? OutputStream.OUTPUT_STREAM_STDOUT : OutputStream.OUTPUT_STREAM_STDERR,
        [Buffer.alloc(n, i % 251)],
        1_796_000_000_200 + i,
      ),
    );
    log.append({
      $case: 'finished',
      value: {
        exitCode: 3,
        signal: '',
        durationMs: 5,
        peakMemoryBytes: 2 ** 40,
        reason: '',
        protection: 'none',
        stateLost: false,
        outputBytes: log.outputBytes,
        outputTruncated: false,
      },
    });
    expect(log.count).toBe(702);
    expect(log.finished).toBe(true);
    for (const from of [0, 1, 255, 256, 257, 511, 600, 701, 702]) {
      const events = await readAll(log, from);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 702 - from }, (_, i) => from + i));
    }
    const all = await readAll(log, 0);
    expect(all[0]!.event).toEqual({
      $case: 'started',
      value: { execId: 'e1', sessionId: 's1', startedUnixMs: 1_796_000_000_123 },
    });
    for (let i = 0; i < sizes.length; i++) {
      const e = all[i + 1]!;
      expect(e.unixMs).toBe(1_796_000_000_200 + i);
      if (e.event?.$case !== 'output') throw new Error('expected output');
      expect(e.event.value.stream).toBe(
        i % 3 ? OutputStream.OUTPUT_STREAM_STDOUT : OutputStream.OUTPUT_STREAM_STDERR,
      );
      expect(e.event.value.data.equals(Buffer.alloc(sizes[i]!, i % 251))).toBe(true);
    }
    expect(all[701]!.event).toMatchObject({
      $case: 'finished',
      value: { exitCode: 3, peakMemoryBytes: 2 ** 40 },
    });
    log.remove();
  });

  it('keeps the head up to the cap, drops the rest, marks it truncated and still records the end', async () => {
    const log = new ExecLog(join(dir, 'b.log'), 10_000);
    log.append({ $case: 'started', value: { execId: 'e2', sessionId: 's', startedUnixMs: 1 } });
    for (let i = 0; i < 30; i++)
      log.appendOutput(OutputStream.OUTPUT_STREAM_STDOUT, [
        Buffer.alloc(600, 65 + (i % 26)),
        Buffer.alloc(400, 97),
      ]);
    log.append({
      $case: 'finished',
      value: {
        exitCode: 0,
        signal: '',
        durationMs: 1,
        peakMemoryBytes: 0,
        reason: '',
        protection: 'none',
        stateLost: false,
        outputBytes: log.outputBytes,
        outputTruncated: log.truncated,
      },
    });
    expect(log.truncated).toBe(true);
    expect(log.outputBytes).toBe(30_000);
    const events = await readAll(log, 0);
    const kept = events.flatMap((e) => (e.event?.$case === 'output' ? [e.event.value.data] : []));
    expect(Buffer.concat(kept).length).toBe(10_000);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i));
    expect(events.at(-1)!.event).toMatchObject({
      $case: 'finished',
      value: { outputTruncated: true, outputBytes: 30_000 },
    });
    // The head is kept byte for byte, parts joined in order.
    const one = Buffer.concat([Buffer.alloc(600, 65), Buffer.alloc(400, 97)]);
    expect(kept[0]!.equals(one)).toBe(true);
    log.remove();
  });
});
