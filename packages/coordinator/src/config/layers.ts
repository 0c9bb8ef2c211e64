/**
 * A configuration layer: a nested raw object plus, for each leaf path it sets, a description of
 * where the value came from ("flag --budget", "env AIRA_BUDGET", "file run.yaml:12", "preset
 * quickstart"). Layers are merged in the order flags > env > file > presets > the schema's defaults.
 */
export interface ConfigLayer {
  kind: 'preset' | 'file' | 'env' | 'flag';
  values: Record<string, unknown>;
  /** dotted path → origin text */
  origins: Map<string, string>;
}

export type ValueType = 'string' | 'number' | 'list' | 'numberList' | 'boolean' | 'record';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  );
}

/** Sets a dotted path in a nested object, creating intermediate objects. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/** Deep merge where `over` wins; arrays and scalars are replaced, objects merged. */
export function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

/** The value at a dotted path of a nested object (undefined when any step is missing). */
export function getPath(obj: Record<string, unknown>, path: string): unknown {
  let node: unknown = obj;
  for (const k of path.split('.')) node = isPlainObject(node) ? node[k] : undefined;
  return node;
}

/** Leaf paths of a nested object (arrays and records of scalars count as leaves). */
export function leafPaths(obj: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v) && Object.keys(v).length > 0 && path !== 'labels') out.push(...leafPaths(v, path));
    else out.push([path, v]);
  }
  return out;
}

/** Converts a text value (env var or --set) to the type a field expects; leaves bad input for zod to name. */
export function coerce(text: string, type: ValueType): unknown {
  switch (type) {
    case 'number': {
      const n = Number(text);
      return text.trim() !== '' && Number.isFinite(n) ? n : text;
    }
    case 'boolean':
      return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : text;
    case 'list':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'numberList':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => coerce(s, 'number'));
    case 'record':
      return Object.fromEntries(
        text
          .split(',')
          .filter(Boolean)
          .map((kv) => {
            const i = kv.indexOf('=');
            return i < 0 ? [kv.trim(), ''] : [kv.slice(0, i).trim(), kv.slice(i + 1).trim()];
          }),
      );
    default:
      return text;
  }
}
