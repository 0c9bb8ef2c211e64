import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { ConfigError, readTextFile } from '@aira/core';
import { isPlainObject, leafPaths, type ConfigLayer } from './layers.js';

/** Fields holding paths: in a config file they are relative to the file's folder. */
const PATH_FIELDS = ['out', 'agent.script', 'workers.tokenFile'];

/** Reads a YAML or JSON config file into a layer whose origins carry `file:line`. */
export function fileLayer(file: string): FileLayer {
  const text = readTextFile(file, 'config file');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const line = lineCounter.linePos(err.pos[0]).line;
    throw new ConfigError(`config ${file}:${line}: ${err.message.split('\n')[0]}`);
  }
  const values = doc.toJS() ?? {};
  if (!isPlainObject(values)) throw new ConfigError(`config ${file}:1: expected a mapping of settings at the top level`);
  const base = dirname(resolve(file));
  for (const p of PATH_FIELDS) relativeTo(values, p.split('.'), base);
  const spec = (values.workers as Record<string, unknown> | undefined)?.spec;
  if (Array.isArray(spec)) {
    (values.workers as Record<string, unknown>).spec = spec.map((s) =>
      typeof s === 'string' && s.startsWith('hosts:') && !isAbsolute(s.slice(6)) ? `hosts:${resolve(base, s.slice(6))}` : s,
    );
  }
  const origins = new Map<string, string>();
  const lineOf = (path: string[]): number => locate(doc.contents as Node | null, path, lineCounter);
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

/** Line (1-based) of the deepest node along a path: the key's line when the key exists. */
function locate(root: Node | null, path: Array<string | number>, lc: LineCounter): number {
  let node: unknown = root;
  let offset = (root as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      offset = (pair.key as { range?: [number, number, number] }).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(String(key))) {
      const item = (node as { items: unknown[] }).items[Number(key)] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return lc.linePos(offset).line;
}
