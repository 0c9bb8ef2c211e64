import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from './errors.js';

/**
 * Creates a folder (and its parents) one level at a time, so a path that can never be a folder
 * (a file on the way, /proc/x) fails at once with one line naming it — Node's recursive mkdir
 * loops for ever on some of them.
 */
export function ensureDir(path: string, what: string): void {
  const abs = resolve(path);
  const missing: string[] = [];
  let at = abs;
  for (;;) {
    let st;
    try {
      st = statSync(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new UserError(`${what} ${path}: a file is in the way (not a folder)`);
      if (code !== 'ENOENT')
        throw new UserError(`${what} ${path}: cannot use it (${code ?? (err as Error).message})`);
      missing.unshift(at);
      const up = dirname(at);
      if (up === at) break;
      at = up;
      continue;
    }
    if (!st.isDirectory()) throw new UserError(`${what} ${path}: ${at} is a file, not a folder`);
    break;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir).isDirectory()) continue;
      throw new UserError(
        `${what} ${path}: cannot create ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      );
    }
  }
}

/** A folder that must exist already (or not at all) as a folder: one line when it is a file. */
export function checkDirOrAbsent(path: string, what: string): void {
  try {
    if (!statSync(path).isDirectory()) throw new UserError(`${what} ${path}: a file, not a folder`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new UserError(`${what} ${path}: ${(err as Error).message}`);
  }
}
