import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

/**
 * Streams an exec's stored output as server-sent events. The log is the byte stream the coordinator
 * wrote from the worker's sequence-numbered events (duplicates of a re-attached stream already
 * dropped), so a byte offset is its sequence: each event's id is the offset after its text, and a
 * reconnecting client's Last-Event-ID resumes exactly there — no line lost or sent twice. Text is
 * sent in whole lines; a partial line (a progress bar) goes out once it has waited a moment.
 */
export interface LogSource {
  path: string;
  /** True once the exec has ended, checked before the last read so nothing written before it is missed. */
  finished: () => boolean;
}

const MAX_EVENT = 256 * 1024;
const PARTIAL_WAIT_TICKS = 8;
const KEEPALIVE_MS = 15_000;

/**
 * Where a fresh view of a long log starts: the first whole line of its last `tailBytes`, so a page
 * opened on a days-long training log does not load all of it. The bytes before are announced in a
 * `skipped` event.
 */
export function tailStart(path: string, tailBytes: number): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return 0;
  }
  try {
    const size = fstatSync(fd).size;
    if (size <= tailBytes) return 0;
    const start = size - tailBytes;
    const buf = Buffer.allocUnsafe(Math.min(tailBytes, 64 * 1024));
    const got = readSync(fd, buf, 0, buf.length, start - 1);
    const nl = buf.subarray(0, got).indexOf(0x0a);
    return nl < 0 ? start : start + nl;
  } finally {
    closeSync(fd);
  }
}

export function streamLog(
  res: ServerResponse,
  src: LogSource,
  from: number,
  o: { pollMs?: number; announceSkip?: boolean } = {},
): () => void {
  const pollMs = o.pollMs ?? 250;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 1000\n\n');
  let offset = Math.max(0, Math.floor(from) || 0);
  if (o.announceSkip && offset > 0)
    res.write(`event: skipped\ndata: ${JSON.stringify({ bytes: offset })}\n\n`);
  let waited = 0;
  let quiet = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
  };
  const tick = () => {
    if (stopped) return;
    const done = src.finished();
    const sent = pump(res, src.path, offset, done || waited >= PARTIAL_WAIT_TICKS);
    if (sent.reset) res.write(`event: reset\ndata: {}\n\n`);
    waited = sent.partial ? waited + 1 : 0;
    // A comment now and then keeps proxies and tunnels from closing a quiet stream.
    quiet = sent.next === offset && !sent.reset ? quiet + pollMs : 0;
    if (quiet >= KEEPALIVE_MS) {
      res.write(': keepalive\n\n');
      quiet = 0;
    }
    offset = sent.next;
    if (done && !sent.partial && sent.next >= sent.size) {
      res.write(`id: ${offset}\nevent: end\ndata: {}\n\n`);
      res.end();
      stop();
      return;
    }
    timer = setTimeout(tick, pollMs);
  };
  res.on('close', stop);
  tick();
  return stop;
}

function pump(
  res: ServerResponse,
  path: string,
  from: number,
  flushPartial: boolean,
): { next: number; size: number; partial: boolean; reset: boolean } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { next: from, size: 0, partial: false, reset: false };
  }
  try {
    const size = fstatSync(fd).size;
    let offset = from;
    let reset = false;
    // The log is rewritten from the start when a resumed coordinator re-runs the exec.
    if (size < offset) {
      offset = 0;
      reset = true;
    }
    while (offset < size) {
      const want = Math.min(MAX_EVENT, size - offset);
      const buf = Buffer.allocUnsafe(want);
      const got = readSync(fd, buf, 0, want, offset);
      let cut = buf.lastIndexOf(0x0a, got - 1) + 1;
      if (cut === 0) {
        if (!flushPartial && got < MAX_EVENT) return { next: offset, size, partial: true, reset };
        cut = got;
        // Never split a UTF-8 character between two events.
        while (cut > 0 && cut < got && (buf[cut]! & 0xc0) === 0x80) cut--;
        if (cut === 0) cut = got;
      }
      offset += cut;
      res.write(`id: ${offset}\ndata: ${JSON.stringify(buf.toString('utf8', 0, cut))}\n\n`);
      if (cut < got && offset + (got - cut) >= size && !flushPartial)
        return { next: offset, size, partial: true, reset };
    }
    return { next: offset, size, partial: false, reset };
  } finally {
    closeSync(fd);
  }
}
