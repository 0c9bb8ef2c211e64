import { createReadStream, createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Unzip, UnzipInflate, Zip, ZipDeflate, ZipPassThrough, type UnzipFile } from 'fflate';
import { ConfigError } from '@aira/core';
import { HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';

/**
 * The entries of a zip archive, streamed (MLE-bench's zips hold GBs: billion-word's train_v2.txt,
 * freesound's audio): calls `onEntry` for each entry name; the entry's bytes go to the returned
 * sink (null: skip it). Bytes arrive in order; `final` marks an entry's last chunk.
 */
export async function streamZip(
  path: string,
  onEntry: (name: string) => ((chunk: Uint8Array, final: boolean) => void) | null,
  between: () => Promise<void> = async () => undefined,
): Promise<void> {
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  let failure: Error | null = null;
  unzip.onfile = (file: UnzipFile) => {
    if (file.name.endsWith('/')) return;
    const sink = onEntry(file.name);
    if (!sink) return;
    file.ondata = (err, data, final) => {
      if (err) failure ??= err;
      else sink(data, final);
    };
    file.start();
  };
  let pushed = false;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      unzip.push(chunk as Uint8Array);
      pushed = true;
      if (failure) break;
      await between();
    }
    if (pushed) unzip.push(new Uint8Array(0), true);
  } catch (err) {
    failure ??= err as Error;
  }
  if (failure) throw new ConfigError(`${path}: not a readable zip archive (${failure.message})`);
  if (!pushed) throw new ConfigError(`${path}: empty file, not a zip archive`);
}

/**
 * Text lines of the entries of a zip (all entries, in order), streamed in batches (one per chunk
 * of the archive: yielding line by line costs more than inflating); one line per `\n`.
 */
export async function* zipLines(path: string): AsyncGenerator<string[]> {
  // fflate pushes synchronously; lines are queued per input chunk and yielded between chunks.
  const queue: string[] = [];
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  let failure: Error | null = null;
  unzip.onfile = (file) => {
    if (file.name.endsWith('/')) return;
    file.ondata = (err, data, final) => {
      if (err) {
        failure ??= err;
        return;
      }
      const text = rest + decoder.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      const parts = text.split('\n');
      rest = parts.pop()!;
      for (const l of parts) queue.push(l);
      if (final) {
        rest += decoder.end();
        if (rest !== '') queue.push(rest);
        rest = '';
      }
    };
    file.start();
  };
  let pushed = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    unzip.push(chunk as Uint8Array);
    pushed = true;
    if (failure) throw new ConfigError(`${path}: not a readable zip archive (${(failure as Error).message})`);
    if (queue.length) yield queue.splice(0);
  }
  if (!pushed) throw new ConfigError(`${path}: empty file, not a zip archive`);
  unzip.push(new Uint8Array(0), true);
  if (failure) throw new ConfigError(`${path}: not a readable zip archive (${(failure as Error).message})`);
  if (queue.length) yield queue.splice(0);
}

/** A zip archive written entry by entry with back-pressure on the file. */
export class ZipWriter {
  private readonly out: WriteStream;
  private readonly zip: Zip;
  private failure: Error | null = null;
  private readonly done: Promise<void>;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.out = createWriteStream(path);
    this.out.on('error', (e) => (this.failure ??= e));
    let settle!: (err: Error | null) => void;
    this.done = new Promise((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
    this.done.catch(() => undefined);
    this.zip = new Zip((err, data, final) => {
      if (err) {
        this.failure ??= err;
        settle(err);
        return;
      }
      this.out.write(data);
      if (final) this.out.end(() => settle(this.failure));
    });
  }

  /** Starts an entry; `level` 0 stores it (media that do not compress), 1 is fastest for GBs of text. */
  entry(
    name: string,
    level: 0 | 1 | 6 = 6,
  ): { push: (data: Uint8Array | string, final?: boolean) => Promise<void> } {
    const f = level > 0 ? new ZipDeflate(name, { level: level as 1 | 6 }) : new ZipPassThrough(name);
    f.mtime = new Date('2020-01-01T00:00:00Z');
    this.zip.add(f);
    return {
      push: async (data, final = false) => {
        if (this.failure) throw this.failure;
        f.push(typeof data === 'string' ? new TextEncoder().encode(data) : data, final);
        if (this.out.writableNeedDrain) await new Promise<void>((r) => this.out.once('drain', r));
      },
    };
  }

  /** Starts an entry whose chunks are pushed synchronously (from another archive's stream); await drain() between chunks. */
  entrySync(name: string, deflate = true): (data: Uint8Array, final: boolean) => void {
    const f = deflate ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name);
    f.mtime = new Date('2020-01-01T00:00:00Z');
    this.zip.add(f);
    return (data, final) => f.push(data, final);
  }

  /** Resolves once the file has taken what was written (back-pressure for entrySync). */
  async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.out.writableNeedDrain) await new Promise<void>((r) => this.out.once('drain', r));
  }

  async close(): Promise<void> {
    this.zip.end();
    await this.done;
  }
}

/**
 * Rewrites the zip `src` into `trainOut` without its hidden entries: an entry whose file name
 * `partOf` places in a hidden part goes, flat under that name, to that part's zip (`partOut`).
 * Entries are streamed and stored as they are.
 */
export async function splitZip(
  src: string,
  trainOut: string,
  partOut: (part: HiddenPart) => string,
  partOf: (fileName: string) => HiddenPart | undefined,
): Promise<void> {
  const train = new ZipWriter(trainOut);
  const zips = Object.fromEntries(HIDDEN_PARTS.map((p) => [p, new ZipWriter(partOut(p))])) as Record<
    HiddenPart,
    ZipWriter
  >;
  await streamZip(
    src,
    (name) => {
      const base = name.split('/').pop()!;
      const p = partOf(base);
      return (p ? zips[p] : train).entrySync(p ? base : name, false);
    },
    async () => {
      await train.drain();
      for (const p of HIDDEN_PARTS) await zips[p].drain();
    },
  );
  await train.close();
  for (const p of HIDDEN_PARTS) await zips[p].close();
}
