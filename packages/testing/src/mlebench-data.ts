import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Prepared files of made-up competitions: id → path under `prepared/` ("public/train.csv") → content. */
export type PreparedFiles = Record<string, Record<string, string>>;

export const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/**
 * A synthetic MLE-bench registry: `registryDir/competitions/<id>/checksums.yaml` giving the MD5 of
 * each made-up prepared file, as MLE-bench's own lists them (real prepared files cannot be
 * fabricated to match MLE-bench's MD5s). `zip` is written when given.
 */
export function writeChecksumRegistry(registryDir: string, files: PreparedFiles, zip?: string): void {
  for (const [id, fs] of Object.entries(files)) {
    const side = (s: string) =>
      Object.entries(fs)
        .filter(([p]) => p.startsWith(`${s}/`))
        .map(([p, c]) => `  ${p.slice(s.length + 1)}: ${md5(c)}`)
        .join('\n');
    const dir = join(registryDir, 'competitions', id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'checksums.yaml'),
      `private:\n${side('private')}\npublic:\n${side('public')}\n${zip === undefined ? '' : `zip: ${zip}\n`}`,
    );
  }
}
