import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, readYaml } from '@aira/core';
import { DURATION_PATHS } from './fields.js';
import { isPlainObject, leafPaths, type ConfigLayer } from './layers.js';

/** Fields holding paths: in a config file they are relative to the file's folder. */
const PATH_FIELDS = ['out', 'agent.script', 'workers.tokenFile'];

/** Reads a YAML or JSON config file into a layer whose origins carry `file:line`. */
export function fileLayer(file: string, durations: Set<string> = DURATION_PATHS): FileLayer {
  const src = readYaml(file, 'config file', 'config');
  const values = src.values;
  if (!isPlainObject(values))
    throw new ConfigError(`config ${file}:1: expected a mapping of settings at the top level`);
  const base = dirname(resolve(file));
  for (const p of PATH_FIELDS) relativeTo(values, p.split('.'), base);
  const spec = (values.workers as Record<string, unknown> | undefined)?.spec;
  if (Array.isArray(spec)) {
    (values.workers as Record<string, unknown>).spec = spec.map((s: unknown) =>
      typeof s === 'string' && s.startsWith('hosts:') && !isAbsolute(s.slice(6))
        ? `hosts:${resolve(base, s.slice(6))}`
        : s,
    );
  }
  const origins = new Map<string, string>();
  const lineOf = (path: string[]): number => src.lineOf(path);
  for (const [path, value] of leafPaths(values)) {
    // YAML reads `wallClock: 60` as a number; a duration in a file is written with its unit.
    const numbers =
      path === 'checkpoints' && Array.isArray(value) ? value : durations.has(path) ? [value] : [];
    const bare = (numbers as unknown[]).find((v): v is number => typeof v === 'number' && v !== 0);
    if (bare !== undefined)
      throw new ConfigError(
        `config ${file}:${lineOf(path.split('.'))}: ${path}: ${String(bare)} has no unit: write ${String(bare)}s, ${String(bare)}m, ${String(bare)}h or ${String(bare)}ms`,
      );
  }
  for (const [path] of leafPaths(values)) origins.set(path, `file ${file}:${lineOf(path.split('.'))}`);
  // lineOf stays available so an unknown key anywhere is reported with its own line.
  return { kind: 'file', values, origins, file, lineOf };
}

export interface FileLayer extends ConfigLayer {
  file: string;
  lineOf: (path: string[]) => number;
}

export function isFileLayer(layer: ConfigLayer): layer is FileLayer {
  return layer.kind === 'file' && typeof (layer as FileLayer).lineOf === 'function';
}

function relativeTo(values: Record<string, unknown>, path: string[], base: string): void {
  let node: unknown = values;
  for (const k of path.slice(0, -1)) node = isPlainObject(node) ? node[k] : undefined;
  const last = path[path.length - 1]!;
  if (isPlainObject(node) && typeof node[last] === 'string' && !isAbsolute(node[last] as string)) {
    node[last] = resolve(base, node[last] as string);
  }
}
