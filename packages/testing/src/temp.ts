import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'aira-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A temp folder removed after the test file's tests; `write` creates parents as needed. */
export function fileTempDir(prefix: string): {
  dir: string;
  write: (rel: string, content: string | Buffer) => string;
} {
  const dir = mkdtempSync(join(tmpdir(), `aira-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(rel, content) {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
      return p;
    },
  };
}
