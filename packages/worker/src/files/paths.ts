import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  realpathSync,
  type Stats,
} from 'node:fs';
import { join, resolve } from 'node:path';

/** A path that escapes its session or is malformed: the RPC answers INVALID_ARGUMENT. */
export class PathError extends Error {
  override name = 'PathError';
}

/** The session folders files may be written into. */
export const WRITABLE_TOPS = ['data', 'work', 'submission'] as const;

/**
 * Checks a client-given path lexically and returns its segments: relative, no `..`, no NUL, no
 * backslash (a Windows client's separator would become part of a name here), not empty.
 */
export function pathSegments(path: string, what = 'path'): string[] {
  if (typeof path !== 'string' || path.length === 0) throw new PathError(`${what} is empty`);
  if (path.length > 4096) throw new PathError(`${what} is longer than 4096 characters`);
  if (path.includes('\0')) throw new PathError(`${what} ${JSON.stringify(path)} contains a NUL byte`);
  if (path.includes('\\')) throw new PathError(`${what} ${JSON.stringify(path)} contains a backslash; use /`);
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path))
    throw new PathError(`${what} ${JSON.stringify(path)} is absolute; paths are relative to the session`);
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new PathError(`${what} ${JSON.stringify(path)} leaves the session (..)`);
  if (segments.length === 0)
    throw new PathError(`${what} ${JSON.stringify(path)} names the session root itself`);
  return segments;
}

/** True when `child` is `parent` or lies below it (both absolute, normalised). */
export function isInside(child: string, parent: string): boolean {
  const p = parent.endsWith('/') ? parent.slice(0, -1) : parent;
  return child === p || child.startsWith(`${p}/`);
}

/**
 * Opens a file of the session for reading. Symlinks are followed, but the file actually opened
 * must lie inside the session (or one of `extraRoots`, e.g. a shared data folder), checked on
 * the open descriptor itself (/proc/self/fd: immune to a symlink swapped in meanwhile). The
 * caller closes `fd`. Synchronous: a handful of microsecond calls instead of a thread-pool round
 * trip each (docs/dispatch.md).
 */
export function openInside(
  root: string,
  rel: string,
  extraRoots: string[] = [],
): { fd: number; stat: Stats; real: string } {
  const segments = pathSegments(rel);
  const roots = realRoots(root, extraRoots);
  let fd: number;
  try {
    fd = openSync(join(root, ...segments), constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw notFound(rel, err);
  }
  try {
    const real = readlinkSync(`/proc/self/fd/${fd}`);
    if (!roots.some((r) => isInside(real, r)))
      throw new PathError(`path ${JSON.stringify(rel)} leads outside the session (to ${real})`);
    return { fd, stat: fstatSync(fd), real };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

export function realRoots(root: string, extraRoots: string[] = []): string[] {
  const out: string[] = [];
  for (const r of [root, ...extraRoots]) {
    try {
      out.push(realpathSync(r));
    } catch {
      /* a missing extra root allows nothing */
    }
  }
  return out;
}

function notFound(rel: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new NotFoundError(`no such file in the session: ${rel}`);
  if (code === 'ELOOP') return new PathError(`path ${JSON.stringify(rel)} is a symlink loop`);
  return err as Error;
}

/** A path inside the session that does not exist: NOT_FOUND. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/**
 * Makes the parent folders of a file to be written and returns the parent's path. Every existing
 * component must be a real folder, not a symlink (a symlinked parent could point anywhere, and
 * could be swapped while we write); only data/, work/ and submission/ may be written.
 * Synchronous: each lstat/mkdir takes microseconds, where a thread-pool round trip costs a wake-up
 * on a loaded machine, and a job's upload makes several per file (docs/dispatch.md).
 */
export function prepareWrite(
  root: string,
  rel: string,
  writable: readonly string[] = WRITABLE_TOPS,
): { parent: string; name: string; target: string } {
  const segments = pathSegments(rel);
  if (segments.length < 2 || !writable.includes(segments[0]!)) {
    throw new PathError(`path ${JSON.stringify(rel)} must lie in ${writable.map((w) => `${w}/`).join(', ')}`);
  }
  let dir = resolve(root);
  for (const seg of segments.slice(0, -1)) {
    dir = join(dir, seg);
    let st: Stats | null = null;
    try {
      st = lstatSync(dir);
    } catch {
      st = null;
    }
    if (st === null) {
      mkdirSync(dir);
      continue;
    }
    if (st.isSymbolicLink())
      throw new PathError(
        `path ${JSON.stringify(rel)} goes through a symlink (${dir.slice(resolve(root).length + 1)})`,
      );
    if (!st.isDirectory())
      throw new PathError(
        `path ${JSON.stringify(rel)}: ${dir.slice(resolve(root).length + 1)} is not a folder`,
      );
  }
  const name = segments[segments.length - 1]!;
  const target = join(dir, name);
  try {
    const st = lstatSync(target);
    if (st.isSymbolicLink())
      throw new PathError(`path ${JSON.stringify(rel)} is a symlink; it is not written through`);
    if (st.isDirectory()) throw new PathError(`path ${JSON.stringify(rel)} is a folder`);
  } catch (err) {
    if (err instanceof PathError) throw err;
  }
  return { parent: dir, name, target };
}
