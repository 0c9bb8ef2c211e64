import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactRef } from './types.js';

/**
 * Content-addressed files of a run (`artifacts/<sha[0:2]>/<sha>`): candidate code, prediction
 * files, outputs. Each is written to a temporary name, synced and renamed, so a file that exists
 * is complete; the same content is stored once.
 */
export class ArtifactStore {
  /** Sub-folders known to exist: a `mkdir` on the event loop waits for the file system's journal. */
  private readonly made = new Set<string>();

  constructor(readonly dir: string) {}

  pathOf(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  async put(data: Buffer): Promise<ArtifactRef> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const path = this.pathOf(sha256);
    if (existsSync(path) && statSync(path).size === data.length) return { sha256, size: data.length };
    const sub = sha256.slice(0, 2);
    if (!this.made.has(sub)) {
      mkdirSync(join(this.dir, sub), { recursive: true });
      this.made.add(sub);
    }
    const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    return { sha256, size: data.length };
  }

  get(ref: ArtifactRef | string): Buffer {
    return readFileSync(this.pathOf(typeof ref === 'string' ? ref : ref.sha256));
  }

  text(ref: ArtifactRef | string): string {
    return this.get(ref).toString('utf8');
  }
}
