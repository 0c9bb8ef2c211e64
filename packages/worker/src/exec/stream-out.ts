import { status, type ServerWritableStream } from '@grpc/grpc-js';
import type { ExecLog } from './exec-log.js';

/**
 * Sends an exec's events from `fromSeq` to one client at the client's pace: when call.write()
 * says the client is behind, wait for 'drain'. Follows the log live until its finished event,
 * then ends the call. A client that goes away stops only its own reader.
 */
export async function streamLog(
  log: ExecLog,
  fromSeq: number,
  call: ServerWritableStream<unknown, unknown>,
): Promise<void> {
  let gone = call.cancelled;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((r) => (wake = r));
  const onGone = () => {
    gone = true;
    wake();
  };
  call.on('cancelled', onGone);
  call.on('close', onGone);
  const reader = log.reader(fromSeq);
  try {
    if (fromSeq > log.count && log.finished) {
      call.emit('error', {
        code: status.OUT_OF_RANGE,
        details: `exec has events 0..${log.count - 1}; from_seq ${fromSeq} is past its end`,
      });
      return;
    }
    while (!gone) {
      const records = await reader.next();
      for (const record of records) {
        if (gone) return;
        // Records are encoded responses; the service's serializer passes Buffers through.
        if (!call.write(record))
          await Promise.race([new Promise<void>((r) => call.once('drain', r)), stopped]);
      }
      if (records.length) continue;
      if (log.finished && reader.seq >= log.count) {
        call.end();
        return;
      }
      if (reader.seq >= log.count) await Promise.race([log.waitForChange(), stopped]);
      else await new Promise((r) => setImmediate(r)); // never spin on a short read
    }
  } catch (err) {
    if (!gone)
      call.emit('error', {
        code: status.INTERNAL,
        details: `reading the exec log: ${(err as Error).message}`,
      });
  } finally {
    call.off('cancelled', onGone);
    call.off('close', onGone);
    await reader.close();
  }
}
