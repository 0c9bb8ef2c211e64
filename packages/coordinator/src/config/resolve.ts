import { parse as parseYamlScalar } from 'yaml';
import type { z } from 'zod';
import { ConfigError, fieldIssues, formatDuration, formatFieldIssues } from '@aira/core';
import { defaultRegistry, fieldsOf, type Registry } from '../run/registry.js';
import { durationPaths, FIELDS, flagAttribute, flagName, type FieldSpec } from './fields.js';
import { checkSections, coordinatorPart } from './sections.js';
import { coerce, deepMerge, getPath, leafPaths, setPath, type ConfigLayer } from './layers.js';
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
  /**
   * The layers under the file, over the schema's defaults (named presets, a default agent), chosen
   * from what the file, AIRA_* variables and flags set; each says where its values came from.
   */
  presets?: (given: GivenSettings) => ConfigLayer[];
  /**
   * The agents and evaluators the run may use: their fields are settable like the coordinator's,
   * and the sections of the run config they own are validated with their schemas. Default: the
   * coordinator's own (`script`, `self-reported`).
   */
  registry?: Registry;
}

/** What the file, env and flag layers set, merged, before presets and defaults fill the rest. */
export interface GivenSettings {
  values: Record<string, unknown>;
  /** Whether any of those layers sets this dotted path. */
  has(path: string): boolean;
  get(path: string): unknown;
}

export interface ResolvedConfig {
  config: RunConfig;
  /** dotted path → where the value came from ("default", "flag --budget", "env AIRA_BUDGET", "file x.yaml:3"). */
  provenance: Map<string, string>;
  /** The settings it was resolved with (the coordinator's and the registry's entries'). */
  fields?: FieldSpec[];
}

/** Resolution order: flags > env (AIRA_*) > file > presets > defaults. */
export function resolveRunConfig(input: ResolveInput): ResolvedConfig {
  const registry = input.registry ?? defaultRegistry();
  const fields = fieldsOf(registry);
  const layers: ConfigLayer[] = [];
  if (input.file) layers.push(fileLayer(input.file, durationPaths(fields)));
  if (input.env) layers.push(envLayer(input.env, fields));
  layers.push(flagLayer(input.flags ?? {}, input.sets ?? [], fields));
  if (input.presets) {
    let values: Record<string, unknown> = {};
    for (const layer of layers) values = deepMerge(values, layer.values);
    const given: GivenSettings = {
      values,
      has: (path) => getPath(values, path) !== undefined,
      get: (path) => getPath(values, path),
    };
    layers.unshift(...input.presets(given));
  }
  return { ...resolveLayers(layers, registry), fields };
}

/**
 * A preset: settings by path written as `--set` takes them (`'budget.wallClock': '100s'`), typed
 * by the field table; every value's provenance is `origin`.
 */
export function presetLayer(
  origin: string,
  settings: Record<string, string>,
  fields: readonly FieldSpec[] = FIELDS,
): ConfigLayer {
  const values: Record<string, unknown> = {};
  const origins = new Map<string, string>();
  for (const [path, text] of Object.entries(settings)) {
    setPath(values, path, typedValue(path, text, fields));
    origins.set(path, origin);
  }
  return { kind: 'preset', values, origins };
}

/** Known fields get their declared type; anything else is read as a YAML scalar (zod names unknown paths). */
function typedValue(path: string, text: string, fields: readonly FieldSpec[]): unknown {
  const spec = fields.find((f) => f.path === path);
  return spec ? coerce(text, spec.type) : parseYamlScalar(text);
}

export function resolveLayers(layers: ConfigLayer[], registry: Registry = defaultRegistry()): ResolvedConfig {
  let merged: Record<string, unknown> = {};
  for (const layer of layers) merged = deepMerge(merged, layer.values);
  const result = RunConfig.safeParse(coordinatorPart(merged, registry));
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues, layers));
  const sections = checkSections(result.data, merged, registry);
  if (!sections.success) throw new ConfigError(formatIssues(sections.issues, layers));
  const config = sections.config;
  const provenance = new Map<string, string>();
  for (const [path] of leafPaths(config as unknown as Record<string, unknown>)) {
    provenance.set(path, originOf(path.split('.'), layers) ?? 'default');
  }
  return { config, provenance };
}

export function envLayer(env: NodeJS.ProcessEnv, fields: readonly FieldSpec[] = FIELDS): ConfigLayer {
  const values: Record<string, unknown> = {};
  const origins = new Map<string, string>();
  for (const field of fields) {
    if (!field.env) continue;
    const text = env[field.env];
    if (text === undefined || text === '') continue;
    setPath(values, field.path, coerce(text, field.type));
    origins.set(field.path, `env ${field.env}`);
  }
  return { kind: 'env', values, origins };
}

export function flagLayer(
  flags: Record<string, unknown>,
  sets: string[],
  fields: readonly FieldSpec[] = FIELDS,
): ConfigLayer {
  const values: Record<string, unknown> = {};
  const origins = new Map<string, string>();
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0)
      throw new ConfigError(`--set ${set}: expected PATH=VALUE, e.g. --set search.temperature=0.3`);
    const path = set.slice(0, eq).trim();
    const text = set.slice(eq + 1);
    setPath(values, path, typedValue(path, text, fields));
    origins.set(path, `flag --set ${path}`);
  }
  for (const field of fields) {
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
function formatIssues(issues: readonly z.core.$ZodIssue[], layers: ConfigLayer[]): string {
  const lines = formatFieldIssues(fieldIssues(issues), (path) => whereOf(path, layers));
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

function show(path: string, value: unknown, durations: Set<string>): string {
  if (durations.has(path) && typeof value === 'number') return `${formatDuration(value)} (${value} ms)`;
  if (path === 'checkpoints' && Array.isArray(value))
    return JSON.stringify(value.map((v) => formatDuration(v as number)));
  return JSON.stringify(value) ?? 'unset';
}

/** `aira run --print-config`: every resolved value with its source; optional settings left unset are listed too. */
export function formatResolvedConfig({ config, provenance, fields = FIELDS }: ResolvedConfig): string {
  const durations = durationPaths(fields);
  const leaves = new Map(leafPaths(config as unknown as Record<string, unknown>));
  for (const f of fields) if (!leaves.has(f.path)) leaves.set(f.path, undefined);
  const rows = [...leaves].map(
    ([path, value]) =>
      [
        path,
        value === undefined ? 'unset' : show(path, value, durations),
        value === undefined ? '-' : (provenance.get(path) ?? 'default'),
      ] as const,
  );
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.min(40, Math.max(...rows.map((r) => r[1].length)));
  return rows.map(([p, v, s]) => `${p.padEnd(w0)}  ${v.padEnd(w1)}  ${s}`).join('\n');
}
