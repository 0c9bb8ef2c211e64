import { status, type ServerWritableStream } from '@grpc/grpc-js';
import type { ExecLog } from './exec-log.js';

/** Bytes read from the log per file read. */
const READ_BYTES = 1024 * 1024;

/**
 * Sends an exec's events from `fromSeq` to one client, reading the on-disk log at the client's
 * pace: when call.write() says the client is behind, wait for 'drain'. Follows the log live until
 * its finished event, then ends the call. A client that goes away stops only its own reader.
 */
export async function streamLog(log: ExecLog, fromSeq: number, call: ServerWritableStream<unknown, unknown>): Promise<void> {
  let gone = call.cancelled;
  let wake: () => void = () => {};
  const onGone = () => {
    gone = true;
    wake();
  };
  call.on('cancelled', onGone);
  call.on('close', onGone);
  const stopped = new Promise<void>((r) => (wake = r));
  const writeRecord = async (record: Buffer) => {
    // Records are encoded responses; the service's serializer passes Buffers through.
    if (call.write(record)) return;
    await Promise.race([new Promise<void>((r) => call.once('drain', r)), stopped]);
  };
  try {
    if (fromSeq > log.count && log.finished) {
      call.emit('error', { code: status.OUT_OF_RANGE, details: `exec has events 0..${log.count - 1}; from_seq ${fromSeq} is past its end` });
      return;
    }
    let seq = fromSeq;
    let offset: number | undefined;
    while (!gone) {
      if (log.isClosed && seq < log.firstSpilledSeq) {
        call.emit('error', { code: status.NOT_FOUND, details: 'the exec was removed with its session' });
        return;
      }
      if (seq < log.count) {
        if (seq >= log.firstSpilledSeq) {
          for (const record of log.spilledRecords(seq)) {
            if (gone) return;
            await writeRecord(record);
            seq++;
          }
          continue;
        }
        offset ??= log.offsetOf(seq);
        const { records, next } = await log.readRecords(offset, READ_BYTES);
        for (const record of records) {
          if (gone) return;
          await writeRecord(record);
          seq++;
        }
        offset = next;
        continue;
      }
      if (log.finished) {
        call.end();
        return;
      }
      await Promise.race([log.waitForChange(), stopped]);
    }
  } catch (err) {
    if (!gone) call.emit('error', { code: status.INTERNAL, details: `reading the exec log: ${(err as Error).message}` });
  } finally {
    call.off('cancelled', onGone);
    call.off('close', onGone);
  }
}
