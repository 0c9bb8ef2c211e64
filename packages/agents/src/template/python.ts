import type { Value } from './space.js';

/** A Python literal for a choice value. */
export function py(v: Value | undefined): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/** A Python float literal (1 → 1.0), where scikit-learn reads an int differently from a float. */
export function pyFloat(v: Value | undefined): string {
  if (typeof v !== 'number') return py(v);
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** A list of strings as a Python list literal. */
export function pyList(items: readonly string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;
}

/** The imports a script needs, written once each in a stable order. */
export class Imports {
  private readonly modules = new Map<string, Set<string>>();
  private readonly plain = new Set<string>();

  /** `from module import name`. */
  from(module: string, ...names: string[]): this {
    const set = this.modules.get(module) ?? new Set<string>();
    for (const n of names) set.add(n);
    this.modules.set(module, set);
    return this;
  }

  /** `import module` (or `import module as alias`). */
  import(line: string): this {
    this.plain.add(line);
    return this;
  }

  render(): string {
    const std = [...this.plain].filter((l) => !/numpy|pandas/.test(l)).sort();
    const third = [...this.plain].filter((l) => /numpy|pandas/.test(l)).sort();
    const froms = [...this.modules.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([m, names]) => `from ${m} import ${[...names].sort().join(', ')}`);
    return [...std.map((l) => `import ${l}`), '', ...third.map((l) => `import ${l}`), ...froms].join('\n');
  }
}
