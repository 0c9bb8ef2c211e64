import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { readTextFile } from './config.js';
import { ConfigError } from './errors.js';

/**
 * The one YAML reader (JSON is YAML 1.2, so it reads JSON too), and the one lookup of the line a
 * field path sits on: run configs, ablation matrices, competition manifests and suites.
 */

/** A parsed YAML file that can say on which line any path of its values sits (run configs, ablation matrices). */
export interface YamlSource {
  file: string;
  values: unknown;
  /** Line (1-based) of the deepest existing node along `path` (the key's own line when it exists). */
  lineOf(path: ReadonlyArray<string | number>): number;
}

/**
 * Reads `file` (`what` names it in a read error). A syntax error is one line, `[label ]file:line: message`;
 * `label` says which kind of file it was (e.g. `config`).
 */
export function readYaml(file: string, what: string, label?: string): YamlSource {
  return parseYaml(readTextFile(file, what), file, label);
}

export function parseYaml(text: string, file: string, label?: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    throw new YamlSyntaxError(file, lineCounter.linePos(err.pos[0]).line, err.message.split('\n')[0]!, label);
  }
  const root = doc.contents as Node | null;
  return {
    file,
    values: doc.toJS() ?? {},
    lineOf: (path) => locate(root, path, lineCounter),
  };
}

/** A file that is not valid YAML: one line, `[label ]file:line: message`, with the parts kept for reports. */
export class YamlSyntaxError extends ConfigError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
    label?: string,
  ) {
    super(`${label ? `${label} ` : ''}${file}:${line}: ${reason}`);
  }
}

/**
 * The 1-based line of `path` in a YAML or JSON text that may not even parse (a manifest being
 * reported on): the deepest existing node along it, which for a missing field is where it has to
 * be added; undefined when the text holds no document.
 */
export function lineOfPath(text: string, path: ReadonlyArray<PropertyKey>): number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false });
  const root = doc.contents as Node | null;
  if (root?.range?.[0] === undefined) return undefined;
  return locate(
    root,
    path.map((k) => (typeof k === 'symbol' ? k.toString() : k)),
    lineCounter,
  );
}

function locate(root: Node | null, path: ReadonlyArray<string | number>, lc: LineCounter): number {
  let node: unknown = root;
  let offset = (root as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key),
      );
      if (!pair) break;
      offset = (pair.key as { range?: [number, number, number] }).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(String(key))) {
      const item = (node as { items: unknown[] }).items[Number(key)] as
        { range?: [number, number, number] } | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return lc.linePos(offset).line;
}
