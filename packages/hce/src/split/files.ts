import { copyFileSync, linkSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Puts a file at `dst` without copying its bytes when possible: a hard link (same file system,
 * read-only to sessions through the read-only bind), else a copy. Never a symbolic link: its target
 * would be outside what a sandboxed session can see.
 */
export function linkOrCopy(src: string, dst: string): void {
  mkdirSync(dirname(dst), { recursive: true });
  try {
    linkSync(src, dst);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK' && code !== 'ENOTSUP') throw err;
    copyFileSync(src, dst);
  }
}

/** Every regular file under `dir` (symbolic links followed), as paths relative to it with "/", sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (abs: string, rel: string) => {
    const real = realpathSync(abs);
    if (seen.has(real)) return; // a link cycle
    seen.add(real);
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const a = join(abs, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      let st;
      try {
        st = statSync(a);
      } catch {
        continue; // dangling link
      }
      if (st.isDirectory()) walk(a, r);
      else if (st.isFile()) out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}
