import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ConfigError } from '@aira/core';
import { globToRegExp } from '@aira/competitions';
import { listFiles } from './files.js';

/** What a labelled file is, from its first bytes and its name (the built-in splitter reads CSV only). */
export function fileFormat(
  path: string,
): 'csv' | 'zip archive' | 'gzip archive' | 'tar archive' | 'JSON Lines' | 'JSON' | 'binary' {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(512);
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const b = head.subarray(0, n);
  if (b[0] === 0x50 && b[1] === 0x4b && (b[2] === 0x03 || b[2] === 0x05)) return 'zip archive';
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip archive';
  if (n >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar') return 'tar archive';
  const ext = extname(path).toLowerCase();
  const text = b
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (ext === '.jsonl' || ext === '.ndjson' || (text.startsWith('{') && ext !== '.csv')) return 'JSON Lines';
  if (ext === '.json' || (text.startsWith('[') && ext !== '.csv')) return 'JSON';
  if (b.includes(0)) return 'binary';
  return 'csv';
}

const GLOB = /[*?]/;

/**
 * The one labelled CSV the built-in splitter splits: `rel` (relative to the public folder; `shown`
 * is how the manifest writes it) may be a glob, which must match exactly one file; the file must be
 * a CSV, or a zip of one table when `zipped` allows it. Errors name the manifest field, the path and
 * what was found instead.
 */
export function labelledCsv(source: string, rel: string, field: string, shown = rel, zipped = false): string {
  let file = join(source, rel);
  if (GLOB.test(rel)) {
    const re = globToRegExp(rel);
    const hits = existsSync(source) ? listFiles(source).filter((f) => re.test(f)) : [];
    if (hits.length === 0)
      throw new ConfigError(`${field}: no file in ${source} matches ${shown} (is the data prepared?)`);
    if (hits.length > 1)
      throw new ConfigError(
        `${field}: ${shown} matches ${hits.length} files (${hits.slice(0, 3).join(', ')}${hits.length > 3 ? ', …' : ''}); ` +
          'the built-in splitter splits one CSV, so this competition needs split.method "custom" with an ' +
          'HCE recipe or a plugin split()',
      );
    file = join(source, hits[0]!);
  }
  if (!existsSync(file)) throw new ConfigError(`${field}: ${file} is missing (is the data prepared?)`);
  const format = fileFormat(file);
  if (format !== 'csv' && !(zipped && format === 'zip archive'))
    throw new ConfigError(
      `${field}: ${file} is a ${format}, not a CSV; the built-in splitter reads CSV (or a zip of one CSV or TSV) only, so this competition needs split.method "custom" with an HCE recipe or a plugin split()`,
    );
  return file;
}
