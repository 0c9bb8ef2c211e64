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
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array())]);
}

const marker = (code: number, body: number[]) => [0xff, code, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];

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
    0xff, 0xd8,
    ...marker(0xdb, [0, ...new Array<number>(64).fill(1)]),
    ...marker(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    ...marker(0xc4, [...oneCode(0, cat), ...oneCode(1, 0)]),
    ...marker(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...scan,
    0xff, 0xd9,
  ]);
}

/** A mono 16-bit PCM WAV of `samples` samples at `rate` Hz, a sine of `hz`. */
export function wav(hz: number, samples = 800, rate = 16000): Buffer {
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), i * 2);
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
export function npy(shape: readonly number[], values: ArrayLike<number>, dtype: '<f4' | '<i8' = '<f4'): Buffer {
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
