import { createReadStream, createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import { ConfigError } from '@aira/core';

/** One regular file of a tar archive, its bytes in memory (one entry at a time). */
export interface TarEntry {
  name: string;
  data: Buffer;
}

const octal = (b: Buffer) => parseInt(b.toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
const text = (b: Buffer) => b.toString('utf8').replace(/\0.*$/s, '');

/**
 * The regular files of a `.tar.gz` (or plain `.tar`), streamed (MLE-bench's gesture archives hold
 * several GB each): ustar headers, GNU long names and pax `path` records are understood; other
 * entry types (folders, links) are skipped.
 */
export async function* tarEntries(path: string): AsyncGenerator<TarEntry> {
  const source = createReadStream(path);
  const gz = path.endsWith('.gz') || path.endsWith('.tgz');
  const input: AsyncIterable<Buffer> = gz ? source.pipe(createGunzip()) : source;
  let buf: Buffer = Buffer.alloc(0);
  let longName: string | null = null;

  try {
    const it = input[Symbol.asyncIterator]();
    // Chunks are gathered and joined once an entry is complete (joining per chunk would copy a
    // 100 MB sample zip hundreds of times).
    const need = async (n: number): Promise<boolean> => {
      if (buf.length >= n) return true;
      const parts: Buffer[] = [buf];
      let have = buf.length;
      while (have < n) {
        const r = await it.next();
        if (r.done) {
          buf = Buffer.concat(parts);
          return false;
        }
        parts.push(r.value);
        have += r.value.length;
      }
      buf = Buffer.concat(parts);
      return true;
    };
    for (;;) {
      if (!(await need(512))) break;
      const h = buf.subarray(0, 512);
      if (h.every((x) => x === 0)) break;
      const size = octal(h.subarray(124, 136));
      const type = String.fromCharCode(h[156]!);
      const prefix = h.subarray(257, 262).toString('latin1') === 'ustar' ? text(h.subarray(345, 500)) : '';
      const name = longName ?? (prefix ? `${prefix}/${text(h.subarray(0, 100))}` : text(h.subarray(0, 100)));
      const padded = 512 + Math.ceil(size / 512) * 512;
      if (!(await need(padded))) throw new ConfigError(`${path}: truncated tar archive (entry ${name})`);
      const data: Buffer = Buffer.from(buf.subarray(512, 512 + size));
      buf = buf.subarray(padded);
      if (type === 'L') {
        longName = text(data);
        continue;
      }
      if (type === 'x') {
        const m = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
        if (m) longName = m[1]!;
        continue;
      }
      longName = null;
      if (type === '0' || type === '\0' || type === '7') yield { name, data };
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`${path}: not a readable tar archive (${(err as Error).message})`);
  } finally {
    source.destroy();
  }
}

/** A `.tar.gz` written entry by entry (ustar, names up to 255 bytes), with back-pressure. */
export class TarGzWriter {
  private readonly gzip: Gzip;
  private readonly out: WriteStream;
  private readonly done: Promise<void>;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.out = createWriteStream(path);
    this.gzip = createGzip({ level: 6 });
    this.gzip.pipe(this.out);
    this.done = new Promise((resolve, reject) => {
      this.out.on('finish', resolve);
      this.out.on('error', reject);
      this.gzip.on('error', reject);
    });
    this.done.catch(() => undefined);
  }

  private async write(b: Buffer): Promise<void> {
    if (!this.gzip.write(b)) await new Promise<void>((r) => this.gzip.once('drain', r));
  }

  async add(name: string, data: Uint8Array): Promise<void> {
    const h = Buffer.alloc(512);
    let base = name;
    let prefix = '';
    if (Buffer.byteLength(name) > 100) {
      const cut = name.lastIndexOf('/', name.length - 1);
      if (
        cut <= 0 ||
        Buffer.byteLength(name.slice(cut + 1)) > 100 ||
        Buffer.byteLength(name.slice(0, cut)) > 155
      )
        throw new ConfigError(`tar entry name too long: ${name}`);
      prefix = name.slice(0, cut);
      base = name.slice(cut + 1);
    }
    h.write(base, 0, 'utf8');
    h.write('0000644\0', 100, 'latin1');
    h.write('0000000\0', 108, 'latin1');
    h.write('0000000\0', 116, 'latin1');
    h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    h.write(`${(1577836800).toString(8).padStart(11, '0')}\0`, 136, 'latin1');
    h.write('        ', 148, 'latin1');
    h.write('0', 156, 'latin1');
    h.write('ustar\0', 257, 'latin1');
    h.write('00', 263, 'latin1');
    h.write(prefix, 345, 'utf8');
    let sum = 0;
    for (const x of h) sum += x;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    await this.write(h);
    await this.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) await this.write(Buffer.alloc(pad));
  }

  async close(): Promise<void> {
    await this.write(Buffer.alloc(1024));
    this.gzip.end();
    await this.done;
  }
}
