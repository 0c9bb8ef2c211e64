import { relative } from 'node:path';
import type { z } from 'zod';
import { fieldIssues, lineOfPath } from '@aira/core';

/** Something wrong with one plugin, said so a person can go and fix it. */
export interface PluginProblem {
  plugin: string;
  /** The competition id when it is known (the manifest parsed far enough to have one). */
  competition?: string;
  file: string;
  line?: number;
  /** Dotted field path inside the file, e.g. `split.unit.column` or `leaks[0].scope`. */
  field?: string;
  message: string;
}

export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : `${out ? '.' : ''}${String(seg)}`;
  return out;
}

/** One problem per zod issue; unknown keys get one each, pointing at the key itself. */
export function problemsFromZod(
  error: z.ZodError,
  where: { plugin: string; file: string; text?: string; competition?: string },
): PluginProblem[] {
  const out: PluginProblem[] = [];
  const issues = fieldIssues(error.issues, {
    unknownKey: 'unknown field (misspelt, or not part of the manifest)',
  });
  for (const p of issues) {
    out.push({
      plugin: where.plugin,
      competition: where.competition,
      file: where.file,
      line: where.text === undefined ? undefined : lineOfPath(where.text, p.path),
      field: p.path.length ? fieldPath(p.path) : undefined,
      message: p.message,
    });
  }
  return out;
}

/** A path relative to cwd when it is inside it, else absolute. */
export function shownPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** `file:line: field: message (plugin P)`: one line, the shape compilers use. */
export function formatProblem(p: PluginProblem, cwd = process.cwd()): string {
  const at = `${shownPath(p.file, cwd)}${p.line ? `:${p.line}` : ''}`;
  return `${at}: ${p.field ? `${p.field}: ` : ''}${p.message} (plugin ${p.plugin})`;
}
