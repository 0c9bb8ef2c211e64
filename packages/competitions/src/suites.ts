import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ConfigError, parseYaml, YamlSyntaxError } from '@aira/core';
import { z } from 'zod';
import { formatProblem, problemsFromZod, type PluginProblem } from './problems.js';

/** A suite file: a named list of competitions, optionally including other suites. */
export const SuiteSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)
      .optional()
      .describe('defaults to the file name'),
    description: z.string().optional(),
    source: z.string().optional().describe('where the list comes from'),
    include: z.array(z.string().min(1)).default([]),
    competitions: z.array(z.string().min(1)).default([]),
  })
  .refine((s) => s.include.length + s.competitions.length > 0, 'a suite needs competitions or include');

export interface SuiteDef {
  name: string;
  file: string;
  /** The plugin that declares it, or undefined for benchmarks/suites and ad-hoc files. */
  plugin?: string;
  description?: string;
  source?: string;
  include: string[];
  competitions: string[];
}

const nameOf = (file: string) => basename(file).replace(/\.ya?ml$/, '');

export function readSuiteFile(
  file: string,
  plugin?: string,
): { suite?: SuiteDef; problems: PluginProblem[] } {
  const owner = plugin ?? 'suites';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { problems: [{ plugin: owner, file, message: `cannot read: ${(err as Error).message}` }] };
  }
  let values: unknown;
  try {
    values = parseYaml(text, file).values;
  } catch (err) {
    if (!(err instanceof YamlSyntaxError)) throw err;
    return {
      problems: [{ plugin: owner, file, line: err.line, message: `not valid YAML: ${err.reason}` }],
    };
  }
  const result = SuiteSchema.safeParse(values);
  if (!result.success) return { problems: problemsFromZod(result.error, { plugin: owner, file, text }) };
  const s = result.data;
  return {
    suite: {
      name: s.name ?? nameOf(file),
      file,
      plugin,
      description: s.description,
      source: s.source,
      include: s.include,
      competitions: s.competitions,
    },
    problems: [],
  };
}

/** True when a `--suite` value names a file rather than a suite. */
export function isSuiteFileSpec(spec: string): boolean {
  return /\.ya?ml$/.test(spec) || spec.includes('/') || spec.includes('\\');
}

/**
 * The ordered, de-duplicated competition ids of a suite, following `include` (cycles refused).
 * `spec` is a suite name known to `suites`, or a path to a suite file.
 */
export function expandSuite(
  spec: string,
  suites: ReadonlyMap<string, SuiteDef>,
  cwd = process.cwd(),
): { suite: SuiteDef; ids: string[] } {
  let root: SuiteDef;
  if (isSuiteFileSpec(spec)) {
    const file = resolve(cwd, spec);
    if (!existsSync(file)) throw new ConfigError(`suite file ${file}: no such file`);
    const read = readSuiteFile(file);
    if (!read.suite) throw new ConfigError(read.problems.map((p) => formatProblem(p)).join('\n'));
    root = read.suite;
  } else {
    const found = suites.get(spec);
    if (!found)
      throw new ConfigError(
        `unknown suite "${spec}" (known: ${[...suites.keys()].sort().join(', ') || 'none'}; or give a path to a .yaml file)`,
      );
    root = found;
  }
  const ids: string[] = [];
  const seen = new Set<string>();
  const visit = (s: SuiteDef, stack: string[]) => {
    for (const inc of s.include) {
      if (stack.includes(inc))
        throw new ConfigError(`suite ${s.file}: include cycle ${[...stack, inc].join(' → ')}`);
      const child = suites.get(inc);
      if (!child) throw new ConfigError(`suite ${s.file}: includes unknown suite "${inc}"`);
      visit(child, [...stack, inc]);
    }
    for (const id of s.competitions) {
      if (!seen.has(id)) {
        seen.add(id);
        ids.push(id);
      }
    }
  };
  visit(root, [root.name]);
  return { suite: root, ids };
}
