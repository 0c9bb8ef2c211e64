import { describe, expect, it } from 'vitest';
import { lineOfPath, parseYaml } from './yaml.js';

describe('the YAML reader and its line lookup', () => {
  const json = '{\n  "id": "x",\n  "data": {\n    "files": [\n      "a.csv",\n      "b.csv"\n    ]\n  }\n}\n';

  it('finds the line of a field path in JSON, and for a missing field the deepest object that exists', () => {
    expect(lineOfPath(json, ['id'])).toBe(2);
    expect(lineOfPath(json, ['data', 'files', 1])).toBe(6);
    expect(lineOfPath(json, ['data', 'labels', 'file'])).toBe(3);
    expect(lineOfPath('', ['id'])).toBeUndefined();
  });

  it('reads YAML with the line of each path, and names file:line of a syntax error', () => {
    const src = parseYaml('search:\n  policy: greedy\n  seeds: [1, 2]\n', 'run.yaml');
    expect(src.values).toEqual({ search: { policy: 'greedy', seeds: [1, 2] } });
    expect(src.lineOf(['search', 'seeds'])).toBe(3);
    expect(() => parseYaml('a: 1\na: 2\n', 'dup.yaml', 'config')).toThrow(/^config dup\.yaml:2: /);
  });
});
