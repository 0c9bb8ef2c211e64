import type { Leak } from './manifest.js';

/** `*` matches within one folder level, `**` across levels, `?` one character; paths use `/`. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * The leak entries that cover a prepared path (e.g. `public/test/0486052bb.json`) for the given
 * scope: `hidden` for HCE's hidden parts, `test` for MLE-bench's own test inputs.
 */
export function leaksFor(path: string, leaks: readonly Leak[], scope: 'test' | 'hidden'): Leak[] {
  const p = path.replace(/\\/g, '/');
  return leaks.filter(
    (l) =>
      (l.scope === scope || l.scope === 'both') &&
      l.files.some((g) => globToRegExp(g).test(p)) &&
      !l.except.some((g) => globToRegExp(g).test(p)),
  );
}
