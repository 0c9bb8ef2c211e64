import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** A request named something outside the folder the server was given. */
export class OutsideRootError extends Error {
  constructor(readonly what: string) {
    super(`${what} is outside the runs folder`);
  }
}

/**
 * Resolves `rel` under `root` and refuses anything that ends up elsewhere: `..`, absolute paths, and
 * symbolic links pointing out of the folder (checked on the real path when the file exists).
 */
export function within(root: string, rel: string): string {
  if (rel.includes('\0')) throw new OutsideRootError(JSON.stringify(rel));
  const abs = resolve(root, rel);
  if (!inside(root, abs)) throw new OutsideRootError(JSON.stringify(rel));
  if (existsSync(abs)) {
    const real = realpathSync(abs);
    if (!inside(realpathSync(root), real)) throw new OutsideRootError(JSON.stringify(rel));
  }
  return abs;
}

export function inside(root: string, abs: string): boolean {
  const r = relative(resolve(root), resolve(abs));
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
}
