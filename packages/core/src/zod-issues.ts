import type { z } from 'zod';

/** One bad field: its path in the checked value and what is wrong with it. */
export interface FieldIssue {
  path: Array<string | number>;
  message: string;
}

/**
 * zod's issues as one entry per bad field, the way every config reader reports them: an
 * unrecognized key gets its own entry pointing at the key itself (so a file:line lookup finds
 * its line), with `unknownKey` as its message.
 */
export function fieldIssues(
  issues: ReadonlyArray<z.core.$ZodIssue>,
  options: { unknownKey?: string; prefix?: Array<string | number> } = {},
): FieldIssue[] {
  const prefix = options.prefix ?? [];
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as Array<string | number>)];
    if (issue.code === 'unrecognized_keys')
      for (const k of issue.keys)
        out.push({ path: [...path, k], message: options.unknownKey ?? 'unknown setting' });
    else out.push({ path, message: issue.message });
  }
  return out;
}

/** A field path as config errors write it: `search.temperature`, `(top level)` for the root. */
export function dottedPath(path: ReadonlyArray<string | number>): string {
  return path.join('.') || '(top level)';
}

/** `where: field.path: message` per issue (`where` may be unknown: then `field.path: message`). */
export function formatFieldIssues(
  issues: FieldIssue[],
  where: (path: Array<string | number>) => string | undefined,
): string[] {
  return issues.map((i) => {
    const at = where(i.path);
    return `${at ? `${at}: ` : ''}${dottedPath(i.path)}: ${i.message}`;
  });
}
