import { parse as parseYamlScalar } from 'yaml';
import type { z } from 'zod';
import { ConfigError, formatDuration } from '@aira/core';
import { DURATION_PATHS, FIELD_BY_PATH, FIELDS, flagAttribute, flagName } from './fields.js';
import { coerce, deepMerge, leafPaths, setPath, type ConfigLayer } from './layers.js';
import { fileLayer, isFileLayer } from './file-layer.js';
import { RunConfig } from './schema.js';

export interface ResolveInput {
  /** Parsed commander options (attribute names as FIELDS' flags give them). */
  flags?: Record<string, unknown>;
  /** `--set path=value` entries. */
  sets?: string[];
  env?: NodeJS.ProcessEnv;
  /** YAML or JSON config file. */
  file?: string;
}

export interface ResolvedConfig {
  config: RunConfig;
  /** dotted path → where the value came from ("default", "flag --budget", "env AIRA_BUDGET", "file x.yaml:3"). */
  provenance: Map<string, string>;
}

/** Resolution order: flags > env (AIRA_*) > file > defaults. */
export function resolveRunConfig(input: ResolveInput): ResolvedConfig {
  const layers: ConfigLayer[] = [];
  if (input.file) layers.push(fileLayer(input.file));
  if (input.env) layers.push(envLayer(input.env));
  layers.push(flagLayer(input.flags ?? {}, input.sets ?? []));
  return resolveLayers(layers);
}

export function resolveLayers(layers: ConfigLayer[]): ResolvedConfig {
  let merged: Record<string, unknown> = {};
  for (const layer of layers) merged = deepMerge(merged, layer.values);
  const result = RunConfig.safeParse(merged);
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues, layers));
  const provenance = new Map<string, string>();
  for (const [path] of leafPaths(result.data as unknown as Record<string, unknown>)) {
    provenance.set(path, originOf(path.split('.'), layers) ?? 'default');
  }
  return { config: result.data, provenance };
}

export function envLayer(env: NodeJS.ProcessEnv): ConfigLayer {
  const values: Record<string, unknown> = {};
  const origins = new Map<string, string>();
  for (const field of FIELDS) {
    if (!field.env) continue;
    const text = env[field.env];
    if (text === undefined || text === '') continue;
    setPath(values, field.path, coerce(text, field.type));
    origins.set(field.path, `env ${field.env}`);
  }
  return { kind: 'env', values, origins };
}

export function flagLayer(flags: Record<string, unknown>, sets: string[]): ConfigLayer {
  const values: Record<string, unknown> = {};
  const origins = new Map<string, string>();
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0)
      throw new ConfigError(`--set ${set}: expected PATH=VALUE, e.g. --set search.temperature=0.3`);
    const path = set.slice(0, eq).trim();
    const text = set.slice(eq + 1);
    const spec = FIELD_BY_PATH.get(path);
    // Known fields get their declared type; anything else is read as a YAML scalar (zod names unknown paths).
    setPath(values, path, spec ? coerce(text, spec.type) : parseYamlScalar(text));
    origins.set(path, `flag --set ${path}`);
  }
  for (const field of FIELDS) {
    if (!field.flag) continue;
    const raw = flags[flagAttribute(field.flag)];
    if (raw === undefined) continue;
    let value: unknown = raw;
    if (typeof raw === 'string') value = coerce(raw, field.type);
    else if (Array.isArray(raw)) {
      value =
        field.type === 'record'
          ? Object.assign({}, ...raw.map((r) => coerce(String(r), 'record') as object))
          : raw.flatMap((r: unknown) =>
              field.type === 'list' || field.type === 'numberList'
                ? (coerce(String(r), field.type) as unknown[])
                : [r],
            );
    }
    setPath(values, field.path, value);
    origins.set(field.path, `flag ${flagName(field.flag)}`);
  }
  return { kind: 'flag', values, origins };
}

/** The origin of the highest layer that set this path (or a prefix of it). */
function originOf(path: Array<string | number>, layers: ConfigLayer[]): string | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    for (let n = path.length; n > 0; n--) {
      const o = layer.origins.get(path.slice(0, n).join('.'));
      if (o) return o;
    }
  }
  return undefined;
}

/** One line per issue, each naming where the bad value came from and the field path. */
function formatIssues(issues: z.core.$ZodIssue[], layers: ConfigLayer[]): string {
  const lines: string[] = [];
  for (const issue of issues) {
    const paths: Array<Array<string | number>> =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((k) => [...issue.path, k] as Array<string | number>)
        : [issue.path as Array<string | number>];
    for (const path of paths) {
      const dotted = path.join('.') || '(top level)';
      const where = whereOf(path, layers);
      const message = issue.code === 'unrecognized_keys' ? 'unknown setting' : issue.message;
      lines.push(`${where ? `${where}: ` : ''}${dotted}: ${message}`);
    }
  }
  return `invalid run config: ${lines.join('; ')}`;
}

function whereOf(path: Array<string | number>, layers: ConfigLayer[]): string | undefined {
  const origin = originOf(path, layers);
  if (origin) return origin;
  // A key the schema does not know is not a declared leaf of a file layer: find its line.
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    if (isFileLayer(layer) && hasPath(layer.values, path))
      return `file ${layer.file}:${layer.lineOf(path.map(String))}`;
  }
  return undefined;
}

function hasPath(obj: unknown, path: Array<string | number>): boolean {
  let node = obj;
  for (const k of path) {
    if (node === null || typeof node !== 'object' || !(String(k) in (node as object))) return false;
    node = (node as Record<string, unknown>)[String(k)];
  }
  return true;
}

function show(path: string, value: unknown): string {
  if (DURATION_PATHS.has(path) && typeof value === 'number') return `${formatDuration(value)} (${value} ms)`;
  if (path === 'checkpoints' && Array.isArray(value))
    return JSON.stringify(value.map((v) => formatDuration(v as number)));
  return JSON.stringify(value) ?? 'unset';
}

/** `aira run --print-config`: every resolved value with its source; optional settings left unset are listed too. */
export function formatResolvedConfig({ config, provenance }: ResolvedConfig): string {
  const leaves = new Map(leafPaths(config as unknown as Record<string, unknown>));
  for (const f of FIELDS) if (!leaves.has(f.path)) leaves.set(f.path, undefined);
  const rows = [...leaves].map(
    ([path, value]) =>
      [
        path,
        value === undefined ? 'unset' : show(path, value),
        value === undefined ? '-' : (provenance.get(path) ?? 'default'),
      ] as const,
  );
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.min(40, Math.max(...rows.map((r) => r[1].length)));
  return rows.map(([p, v, s]) => `${p.padEnd(w0)}  ${v.padEnd(w1)}  ${s}`).join('\n');
}
