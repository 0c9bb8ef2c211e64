import { crc32, deflateSync } from 'node:zlib';

/**
 * Tiny media files in their real formats, so that whatever opens them (PIL, OpenCV, soundfile,
 * numpy) reads a valid file. Each is one flat value, so files differ and stay a few hundred bytes.
 */

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A grayscale PNG of `size`×`size` pixels, all of value `level` (0–255). */
export function png(level: number, size = 8): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  const raw = Buffer.alloc(size * (size + 1));
  for (let y = 0; y < size; y++) raw.fill(level & 0xff, y * (size + 1) + 1, (y + 1) * (size + 1));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
}

const marker = (code: number, body: number[]) => [
  0xff,
  code,
  (body.length + 2) >> 8,
  (body.length + 2) & 0xff,
  ...body,
];

/**
 * A baseline JPEG of one 8×8 grayscale block of value `level`: DC only, quantisation 1, Huffman
 * tables with a single 1-bit code each (the DC category of this image, and end-of-block).
 */
export function jpeg(level: number): Buffer {
  const dc = 8 * ((level & 0xff) - 128); // the block's DC coefficient after the level shift
  const cat = dc === 0 ? 0 : Math.floor(Math.log2(Math.abs(dc))) + 1;
  const bits: number[] = [0]; // DC code "0"
  const v = dc >= 0 ? dc : dc + (1 << cat) - 1;
  for (let i = cat - 1; i >= 0; i--) bits.push((v >> i) & 1);
  bits.push(0); // AC end of block, code "0"
  while (bits.length % 8) bits.push(1);
  const scan: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    const b = bits.slice(i, i + 8).reduce((a, x) => (a << 1) | x, 0);
    scan.push(b);
    if (b === 0xff) scan.push(0);
  }
  const oneCode = (cls: number, symbol: number) => [cls << 4, 1, ...new Array<number>(15).fill(0), symbol];
  return Buffer.from([
    0xff,
    0xd8,
    ...marker(0xdb, [0, ...new Array<number>(64).fill(1)]),
    ...marker(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    ...marker(0xc4, [...oneCode(0, cat), ...oneCode(1, 0)]),
    ...marker(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...scan,
    0xff,
    0xd9,
  ]);
}

/** A mono 16-bit PCM WAV of `samples` samples at `rate` Hz, a sine of `hz`. */
export function wav(hz: number, samples = 800, rate = 16000): Buffer {
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** A NumPy .npy file (format 1.0) of float32 (`<f4`) or int (`<i8`) values in C order. */
export function npy(
  shape: readonly number[],
  values: ArrayLike<number>,
  dtype: '<f4' | '<i8' = '<f4',
): Buffer {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${dims}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(pre);
  pre.writeUInt16LE(header.length, 8);
  const size = dtype === '<f4' ? 4 : 8;
  const body = Buffer.alloc(values.length * size);
  for (let i = 0; i < values.length; i++) {
    if (dtype === '<f4') body.writeFloatLE(values[i]!, i * 4);
    else body.writeBigInt64LE(BigInt(Math.round(values[i]!)), i * 8);
  }
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), body]);
}

/** An uncompressed 8-bit grayscale baseline TIFF of `size`×`size` pixels of value `level`. */
export function tiff(level: number, size = 8): Buffer {
  const entries: Array<[tag: number, type: number, value: number]> = [
    [256, 3, size], // width
    [257, 3, size], // height
    [258, 3, 8], // bits per sample
    [259, 3, 1], // no compression
    [262, 3, 1], // black is zero
    [273, 4, 0], // strip offset (set below)
    [277, 3, 1], // samples per pixel
    [278, 3, size], // rows per strip
    [279, 4, size * size], // strip byte count
  ];
  const ifd = 8;
  const pixels = ifd + 2 + entries.length * 12 + 4;
  entries[5]![2] = pixels;
  const b = Buffer.alloc(pixels + size * size);
  b.write('II', 0, 'latin1');
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(ifd, 4);
  b.writeUInt16LE(entries.length, ifd);
  entries.forEach(([tag, type, value], i) => {
    const at = ifd + 2 + i * 12;
    b.writeUInt16LE(tag, at);
    b.writeUInt16LE(type, at + 2);
    b.writeUInt32LE(1, at + 4);
    if (type === 3) b.writeUInt16LE(value, at + 8);
    else b.writeUInt32LE(value, at + 8);
  });
  b.fill(level & 0xff, pixels);
  return b;
}

/** A mono 16-bit AIFF of `samples` samples at 2 kHz (the right-whale clips' rate), a sine of `hz`. */
export function aiff(hz: number, samples = 400, rate = 2000): Buffer {
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    data.writeInt16BE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), i * 2);
  const comm = Buffer.alloc(8 + 18);
  comm.write('COMM', 0, 'latin1');
  comm.writeUInt32BE(18, 4);
  comm.writeUInt16BE(1, 8); // channels
  comm.writeUInt32BE(samples, 10);
  comm.writeUInt16BE(16, 14); // bits
  // The rate as an 80-bit IEEE extended float: exponent, then the integer shifted to the top bit.
  const exp = Math.floor(Math.log2(rate));
  comm.writeUInt16BE(16383 + exp, 16);
  comm.writeBigUInt64BE(BigInt(rate) << BigInt(63 - exp), 18);
  const ssnd = Buffer.alloc(16);
  ssnd.write('SSND', 0, 'latin1');
  ssnd.writeUInt32BE(8 + data.length, 4);
  const form = Buffer.alloc(12);
  form.write('FORM', 0, 'latin1');
  form.writeUInt32BE(4 + comm.length + ssnd.length + data.length, 4);
  form.write('AIFF', 8, 'latin1');
  return Buffer.concat([form, comm, ssnd, data]);
}

/**
 * A DICOM Part 10 file (explicit VR little endian) holding one 8×8 8-bit monochrome image of
 * value `level`, with the patient id given: enough for pydicom to read `pixel_array`.
 */
export function dicom(level: number, patientId: string): Buffer {
  const even = (s: string, pad: string) => (s.length % 2 ? s + pad : s);
  const el = (group: number, elem: number, vr: string, value: Buffer): Buffer => {
    const long = ['OB', 'OW', 'UN', 'SQ', 'UT'].includes(vr);
    const head = Buffer.alloc(long ? 12 : 8);
    head.writeUInt16LE(group, 0);
    head.writeUInt16LE(elem, 2);
    head.write(vr, 4, 'latin1');
    if (long) head.writeUInt32LE(value.length, 8);
    else head.writeUInt16LE(value.length, 6);
    return Buffer.concat([head, value]);
  };
  const str = (s: string, pad = ' ') => Buffer.from(even(s, pad), 'latin1');
  const us = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(n, 0);
    return b;
  };
  const sopClass = '1.2.840.10008.5.1.4.1.1.7'; // secondary capture
  const instance = `1.2.826.0.1.3680043.10.${[...patientId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)}.${level}`;
  const meta = Buffer.concat([
    el(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    el(0x0002, 0x0002, 'UI', str(sopClass, '\0')),
    el(0x0002, 0x0003, 'UI', str(instance, '\0')),
    el(0x0002, 0x0010, 'UI', str('1.2.840.10008.1.2.1', '\0')),
  ]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(meta.length, 0);
  const body = Buffer.concat([
    el(0x0008, 0x0016, 'UI', str(sopClass, '\0')),
    el(0x0008, 0x0018, 'UI', str(instance, '\0')),
    el(0x0010, 0x0020, 'LO', str(patientId)),
    el(0x0028, 0x0002, 'US', us(1)),
    el(0x0028, 0x0004, 'CS', str('MONOCHROME2')),
    el(0x0028, 0x0010, 'US', us(8)),
    el(0x0028, 0x0011, 'US', us(8)),
    el(0x0028, 0x0100, 'US', us(8)),
    el(0x0028, 0x0101, 'US', us(8)),
    el(0x0028, 0x0102, 'US', us(7)),
    el(0x0028, 0x0103, 'US', us(0)),
    el(0x7fe0, 0x0010, 'OB', Buffer.alloc(64, level & 0xff)),
  ]);
  return Buffer.concat([
    Buffer.alloc(128),
    Buffer.from('DICM', 'latin1'),
    el(0x0002, 0x0000, 'UL', length),
    meta,
    body,
  ]);
}
