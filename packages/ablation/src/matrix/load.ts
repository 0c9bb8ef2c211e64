import { createHash } from 'node:crypto';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import {
  ConfigError,
  fieldIssues,
  formatFieldIssues,
  parseYaml,
  readYaml,
  type YamlSource,
} from '@aira/core';
import { checkSections, coordinatorPart, RunConfig, type Registry } from '@aira/coordinator';
import { parseCheckpoint, type Checkpoint } from './checkpoints.js';
import { MatrixFile, PAPER_ROWS, VARIANT_META, type PaperRow } from './schema.js';

/** A variant as the runner uses it: its overrides and the run config every one of its cells starts from. */
export interface Variant {
  name: string;
  description?: string;
  /** The paper's Table 1 row this variant reproduces (docs/paper.md §Table 1). */
  paper?: PaperRow;
  /** RunConfig overrides as written (paths made absolute). */
  overrides: Record<string, unknown>;
  /** The cell config before a competition and seed are put in (competitions/seeds are placeholders). */
  config: RunConfig;
}

/** A validated matrix (docs/words.md §study: variants × competitions × seeds). */
export interface Matrix {
  /** The file it came from (absolute), or null when built in code. */
  file: string | null;
  name: string;
  description?: string;
  paper?: 'table1';
  suite?: string;
  competitions: string[];
  seeds: number[];
  budgetMs: number;
  checkpoints: Checkpoint[];
  base: Record<string, unknown>;
  variants: Variant[];
  launcher: MatrixFile['launcher'];
  order: 'interleaved' | 'variant-major';
  /** SHA-256 of the matrix as validated (what "the same matrix" means when a study is re-run). */
  hash: string;
}

export interface LoadOptions {
  /** Competition ids of a suite (the competitions package's resolver, as the cli wires it). */
  resolveSuite?: (name: string) => string[];
  /** The agents and evaluators the cells may use: each variant's sections are checked with their schemas. */
  registry?: Registry;
}

/** Settings that belong to the matrix, not to a variant. */
const MATRIX_LEVEL: Record<string, string> = {
  suite: 'suite',
  competitions: 'competitions',
  seeds: 'seeds',
  out: 'the --out of `aira ablate`',
  checkpoints: 'checkpoints',
};

/** Path fields: in a matrix they are relative to the matrix file's folder (as in a run config file). */
const PATH_FIELDS = [
  ['agent', 'script'],
  ['workers', 'tokenFile'],
];

export function loadMatrix(file: string, options: LoadOptions = {}): Matrix {
  return matrixFrom(readYaml(file, 'matrix file'), options);
}

/** Validates a matrix given as YAML text (`file` names it in errors and anchors relative paths). */
export function parseMatrix(text: string, file: string, options: LoadOptions = {}): Matrix {
  return matrixFrom(parseYaml(text, file), options);
}

function matrixFrom(src: YamlSource, options: LoadOptions): Matrix {
  const where = (path: ReadonlyArray<string | number>) => `${src.file}:${src.lineOf(path)}`;
  if (src.values === null || typeof src.values !== 'object' || Array.isArray(src.values)) {
    throw new ConfigError(
      `${src.file}:1: a matrix is a mapping (name, suite, seeds, budget, checkpoints, base, variants)`,
    );
  }
  const parsed = MatrixFile.safeParse(src.values);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error.issues, (path) => where(path), []));
  const m = parsed.data;

  const base = absolutePaths(m.base, dirname(resolve(src.file)));
  for (const key of Object.keys(base)) {
    if (MATRIX_LEVEL[key])
      throw new ConfigError(
        `${where(['base', key])}: base.${key}: set ${MATRIX_LEVEL[key]} at the matrix's top level, not in base`,
      );
  }
  if (isObject(base.budget) && 'wallClock' in base.budget) {
    throw new ConfigError(
      `${where(['base', 'budget', 'wallClock'])}: base.budget.wallClock: the matrix's time budget is its top-level "budget"`,
    );
  }

  const checkpoints: Checkpoint[] = [];
  m.checkpoints.forEach((spec, i) => {
    const c = parseCheckpoint(spec, m.budget);
    if (typeof c === 'string') throw new ConfigError(`${where(['checkpoints', i])}: checkpoints.${i}: ${c}`);
    if (checkpoints.some((x) => x.ms === c.ms))
      throw new ConfigError(
        `${where(['checkpoints', i])}: checkpoints.${i}: ${c.label} repeats an earlier checkpoint`,
      );
    checkpoints.push(c);
  });
  checkpoints.sort((a, b) => a.ms - b.ms);

  let competitions: string[];
  if (m.suite) {
    if (!options.resolveSuite)
      throw new ConfigError(
        `${where(['suite'])}: suite: "${m.suite}" cannot be resolved here (no competitions package); list competitions instead`,
      );
    try {
      competitions = options.resolveSuite(m.suite);
    } catch (err) {
      throw new ConfigError(`${where(['suite'])}: ${(err as Error).message}`);
    }
    if (competitions.length === 0)
      throw new ConfigError(`${where(['suite'])}: suite: "${m.suite}" lists no competition`);
  } else competitions = [...new Set(m.competitions!)];

  const variants: Variant[] = [];
  for (const [name, raw] of Object.entries(m.variants)) {
    const body = raw ?? {};
    const description = body.description;
    const paper = body.paper;
    if (description !== undefined && typeof description !== 'string')
      throw new ConfigError(
        `${where(['variants', name, 'description'])}: variants.${name}.description: expected text`,
      );
    if (paper !== undefined && !PAPER_ROWS.includes(paper as PaperRow)) {
      throw new ConfigError(
        `${where(['variants', name, 'paper'])}: variants.${name}.paper: one of ${PAPER_ROWS.join(', ')} (the paper's Table 1 rows)`,
      );
    }
    if (paper !== undefined && !m.paper)
      throw new ConfigError(
        `${where(['variants', name, 'paper'])}: variants.${name}.paper: set "paper: table1" at the top level first`,
      );
    const overrides = absolutePaths(
      Object.fromEntries(
        Object.entries(body).filter(([k]) => !(VARIANT_META as readonly string[]).includes(k)),
      ),
      dirname(resolve(src.file)),
    );
    for (const key of Object.keys(overrides)) {
      if (MATRIX_LEVEL[key])
        throw new ConfigError(
          `${where(['variants', name, key])}: variants.${name}.${key}: set ${MATRIX_LEVEL[key]} at the matrix's top level, not in a variant`,
        );
    }
    const merged = deepMerge(deepMerge(base, { budget: { wallClock: m.budget } }), overrides);
    merged.competitions = [competitions[0]];
    merged.seeds = [m.seeds[0]];
    merged.checkpoints = checkpoints.map((c) => c.ms);
    const locate = (path: ReadonlyArray<string | number>): string => {
      if (has(overrides, path))
        return `${where(['variants', name, ...path])}: variants.${name}.${path.join('.')}`;
      if (has(base, path)) return `${where(['base', ...path])}: base.${path.join('.')} (in variant ${name})`;
      if (path.join('.') === 'budget.wallClock') return `${where(['budget'])}: budget`;
      return `${where(['variants', name])}: variants.${name}.${path.join('.')}`;
    };
    const registry = options.registry;
    const result = RunConfig.safeParse(registry ? coordinatorPart(merged, registry) : merged);
    if (!result.success) throw new ConfigError(formatIssues(result.error.issues, locate, [], true));
    const sections = registry
      ? checkSections(result.data, merged, registry)
      : { success: true as const, config: result.data };
    if (!sections.success) throw new ConfigError(formatIssues(sections.issues, locate, [], true));
    variants.push({
      name,
      ...(description ? { description } : {}),
      ...(paper ? { paper: paper as PaperRow } : {}),
      overrides,
      config: sections.config,
    });
  }

  const doc = {
    name: m.name ?? basename(src.file, extname(src.file)),
    description: m.description,
    paper: m.paper,
    suite: m.suite,
    competitions,
    seeds: m.seeds,
    budgetMs: m.budget,
    checkpoints,
    base,
    variants: variants.map((v) => ({ name: v.name, paper: v.paper, overrides: v.overrides })),
    launcher: m.launcher,
    order: m.order,
  };
  return {
    file: src.file.startsWith('<') ? null : resolve(src.file),
    ...doc,
    variants,
    hash: createHash('sha256').update(JSON.stringify(doc)).digest('hex'),
  } as Matrix;
}

/** One line per issue: `file:line: field.path: message` (`located`: `locate` names the field itself). */
function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  locate: (path: Array<string | number>) => string,
  prefix: string[],
  located = false,
): string {
  const found = fieldIssues(issues, { prefix });
  const lines = located
    ? found.map((i) => `${locate(i.path)}: ${i.message}`)
    : formatFieldIssues(found, locate);
  return `invalid matrix: ${lines.join('; ')}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function has(obj: unknown, path: ReadonlyArray<string | number>): boolean {
  let node = obj;
  for (const k of path) {
    if (!isObject(node) && !Array.isArray(node)) return false;
    if (!(String(k) in (node as object))) return false;
    node = (node as Record<string, unknown>)[String(k)];
  }
  return path.length > 0;
}

/** Deep merge where `over` wins; arrays and scalars are replaced, objects merged. */
export function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over))
    out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  return out;
}

function absolutePaths(values: Record<string, unknown>, dir: string): Record<string, unknown> {
  const out = structuredClone(values);
  for (const [section, key] of PATH_FIELDS) {
    const node = out[section!];
    if (isObject(node) && typeof node[key!] === 'string' && !isAbsolute(node[key!] as string))
      node[key!] = resolve(dir, node[key!] as string);
  }
  const workers = out.workers;
  if (isObject(workers) && Array.isArray(workers.spec)) {
    workers.spec = workers.spec.map((s: unknown) =>
      typeof s === 'string' && s.startsWith('hosts:') && !isAbsolute(s.slice(6))
        ? `hosts:${resolve(dir, s.slice(6))}`
        : s,
    );
  }
  return out;
}
