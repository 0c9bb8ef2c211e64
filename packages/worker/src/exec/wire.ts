import { ExecResponse, OutputStream, type ExecEvent } from '@aira/protocol';

/**
 * An exec's log holds each event as an encoded ExecResponse (== AttachResponse: both are
 * `ExecEvent event = 1`). Such a record is self-delimiting (tag 0x0a, varint length, payload), so
 * the log needs no framing of its own and records go to clients as they are, without decoding.
 */
export function encodeEvent(event: ExecEvent): Buffer {
  const bytes = ExecResponse.encode({ event }).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The header of an output record, to be followed by the data itself: the chunk is never copied
 * into an encoder (field numbers from exec.proto: ExecEvent.seq=1, unix_ms=2, output=4;
 * OutputChunk.stream=1, data=2).
 */
export function outputRecordHeader(
  seq: number,
  unixMs: number,
  stream: OutputStream,
  dataLength: number,
): Buffer {
  const chunkLen = 1 + varintSize(stream) + 1 + varintSize(dataLength) + dataLength;
  const eventLen = 1 + varintSize(seq) + 1 + varintSize(unixMs) + 1 + varintSize(chunkLen) + chunkLen;
  const header = Buffer.allocUnsafe(1 + varintSize(eventLen) + (eventLen - dataLength));
  let at = 0;
  header[at++] = 0x0a; // ExecResponse.event
  at = writeVarint(header, at, eventLen);
  header[at++] = 0x08; // seq
  at = writeVarint(header, at, seq);
  header[at++] = 0x10; // unix_ms
  at = writeVarint(header, at, unixMs);
  header[at++] = 0x22; // output
  at = writeVarint(header, at, chunkLen);
  header[at++] = 0x08; // stream
  at = writeVarint(header, at, stream);
  header[at++] = 0x12; // data
  at = writeVarint(header, at, dataLength);
  if (at !== header.length) throw new Error(`output record header: wrote ${at} of ${header.length} bytes`);
  return header;
}

/** Total length of the record starting at `at`, or undefined when buf does not hold its header. */
export function recordLength(buf: Buffer, at: number): number | undefined {
  if (buf[at] !== 0x0a) throw new Error(`exec log corrupt: expected a record at byte ${at}`);
  let value = 0;
  let scale = 1;
  for (let i = at + 1; i < buf.length && i < at + 11; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return i + 1 - at + value;
    scale *= 128;
  }
  return undefined;
}

function varintSize(value: number): number {
  let n = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

function writeVarint(buf: Buffer, at: number, value: number): number {
  while (value >= 128) {
    buf[at++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  buf[at++] = value;
  return at;
}
