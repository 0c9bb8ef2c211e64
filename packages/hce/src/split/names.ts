import { basename, dirname, extname, join } from 'node:path';
import type { HiddenPart } from './labelled.js';

/**
 * The name of a hidden part's copy of a test file: "test" in the base name becomes the part's
 * name (test.csv → search.csv, test_images → search_images), else the part is prefixed.
 */
export function partFileName(rel: string, part: HiddenPart): string {
  const base = basename(rel);
  const dir = dirname(rel);
  const m = /test/i.exec(base);
  let name: string;
  if (m) {
    const word =
      m[0] === 'TEST' ? part.toUpperCase() : m[0][0] === 'T' ? part[0]!.toUpperCase() + part.slice(1) : part;
    const at = base.toLowerCase().lastIndexOf('test');
    name = base.slice(0, at) + word + base.slice(at + 4);
  } else name = `${part}_${base}`;
  return dir === '.' ? name : join(dir, name);
}

/** sample_submission.csv → sample_submission_search.csv. */
export function sampleFileName(rel: string, part: HiddenPart): string {
  const ext = extname(rel);
  return `${rel.slice(0, rel.length - ext.length)}_${part}${ext}`;
}
