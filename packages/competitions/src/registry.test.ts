import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from './problems.js';
import { loadRegistry } from './registry.js';
import { ACCURACY_PY, fileTempDir as tempDir, manifestFor } from '@aira/testing';

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

describe('loading plugins', () => {
  it('refuses a plugin with a bad field, naming plugin, file, line and field, while the others load', async () => {
    const t = tempDir('plugins');
    t.write('good/manifest.json', json(manifestFor('good-one')));
    t.write('good/grade.py', ACCURACY_PY);
    // A multi-competition plugin where one competition is broken and its sibling is fine.
    const bad = manifestFor('broken', {
      split: {
        method: 'builtin',
        labelled: 'public/train.csv',
        id: ['id'],
        label: ['label'],
        unit: { by: 'rows' },
      },
    });
    const badFile = t.write('family/broken/manifest.json', json({ ...bad, colour: 'red' }));
    t.write('family/broken/grade.py', ACCURACY_PY);
    t.write('family/fine/manifest.json', json(manifestFor('fine')));
    t.write('family/fine/grade.py', ACCURACY_PY);
    t.write('family/syntax/manifest.json', '{\n  "id": "syntax",\n  "name": oops\n}\n');

    const reg = await loadRegistry({ pluginsDir: t.dir, suitesDir: false });
    expect(reg.ids().sort()).toEqual(['fine', 'good-one']);

    const unit = reg.problems.find((p) => p.field === 'split.unit.by')!;
    expect(unit).toMatchObject({ plugin: 'family', competition: 'broken', file: badFile });
    const lines = readFileSync(badFile, 'utf8').split('\n');
    expect(lines[unit.line! - 1]).toContain('"by": "rows"');
    const extra = reg.problems.find((p) => p.field === 'colour')!;
    expect(extra.message).toMatch(/unknown field/);
    expect(lines[extra.line! - 1]).toContain('"colour"');
    const syntax = reg.problems.find((p) => p.file.endsWith('syntax/manifest.json'))!;
    expect(syntax.message).toMatch(/not valid JSON/);
    expect(syntax.line).toBe(3);

    expect(formatProblem(unit, t.dir)).toBe(
      `family/broken/manifest.json:${unit.line}: split.unit.by: ${unit.message} (plugin family)`,
    );
    expect(() => reg.get('broken')).toThrow(/broken.*failed to load.*split\.unit\.by/);
    expect(() => reg.get('nothing-here')).toThrow(
      /unknown competition "nothing-here": no loaded plugin defines it/,
    );
  });

  it('checks what the manifest promises: the grader script exists, a code grader is exported', async () => {
    const t = tempDir('promises');
    t.write('p/no-script/manifest.json', json(manifestFor('no-script')));
    t.write('p/no-export/manifest.json', json(manifestFor('no-export', { grader: { kind: 'code' } })));
    t.write('p/no-export/index.js', 'export const split = 3;\n');
    const reg = await loadRegistry({ pluginsDir: t.dir, suitesDir: false });
    expect(reg.ids()).toEqual([]);
    const got = reg.problems.map((p) => [p.competition, p.field, p.message.replace(t.dir, '<dir>')]);
    expect(got).toContainEqual(['no-script', 'grader.script', 'no such file: <dir>/p/no-script/grade.py']);
    expect(got).toContainEqual(['no-export', 'split', 'must be a function, got number']);
  });

  it('loads a plugin from outside the repository, a manifest.ts with TypeScript code, and an npm package', async () => {
    const t = tempDir('outside');
    t.write(
      'ts-plugin/manifest.ts',
      `import { defineManifest } from '@aira/competitions';\nexport default defineManifest(${JSON.stringify(manifestFor('ts-comp', { grader: { kind: 'code', export: 'score' } }))});\n`,
    );
    t.write(
      'ts-plugin/index.ts',
      `import { half } from './half.js';\nexport function score(): number { return half(3); }\n`,
    );
    t.write('ts-plugin/half.ts', 'export const half = (x: number): number => x / 2;\n');
    // The plugin's own node_modules resolves @aira/competitions the way an installed plugin would.
    mkdirSync(join(t.dir, 'ts-plugin/node_modules/@aira'), { recursive: true });
    symlinkSync(join(import.meta.dirname, '..'), join(t.dir, 'ts-plugin/node_modules/@aira/competitions'));

    t.write(
      'proj/node_modules/aira-plugin-pkg/package.json',
      json({ name: 'aira-plugin-pkg', version: '1.0.0', aira: { plugin: 'competitions' } }),
    );
    t.write(
      'proj/node_modules/aira-plugin-pkg/competitions/pkg-comp/manifest.json',
      json(manifestFor('pkg-comp')),
    );
    t.write('proj/node_modules/aira-plugin-pkg/competitions/pkg-comp/grade.py', ACCURACY_PY);
    t.write(
      'proj/node_modules/aira-plugin-pkg/competitions/suites/pkg-suite.yaml',
      'competitions: [pkg-comp, ts-comp]\n',
    );

    const reg = await loadRegistry({
      pluginsDir: false,
      suitesDir: false,
      cwd: join(t.dir, 'proj'),
      plugins: [join(t.dir, 'ts-plugin'), 'aira-plugin-pkg'],
    });
    expect(reg.problems).toEqual([]);
    expect(reg.ids().sort()).toEqual(['pkg-comp', 'ts-comp']);
    expect(reg.get('pkg-comp').plugin).toMatchObject({ name: 'aira-plugin-pkg', origin: 'package' });
    expect(reg.get('ts-comp').plugin).toMatchObject({ name: 'ts-plugin', origin: 'path' });
    const answers = t.write('data/ts-comp/prepared/private/test.csv', 'id,label\n1,a\n');
    const sub = t.write('sub.csv', 'id,label\n1,a\n');
    expect(answers).toContain('ts-comp');
    expect(await reg.create('ts-comp', { dataDir: join(t.dir, 'data') }).grade(sub)).toEqual({
      score: 1.5,
      valid: true,
    });
    expect(reg.resolveSuite('pkg-suite').ids).toEqual(['pkg-comp', 'ts-comp']);

    const missing = await loadRegistry({
      pluginsDir: false,
      suitesDir: false,
      cwd: t.dir,
      plugins: ['no-such-plugin-pkg', './nowhere'],
    });
    expect(missing.problems.map((p) => p.message)).toEqual([
      'no folder and no installed npm package named "no-such-plugin-pkg" (npm install it, or give a path)',
      'no such file or folder',
    ]);
  });

  it('keeps the first of two competitions with one id and says which was ignored', async () => {
    const t = tempDir('dup');
    for (const p of ['a', 'b']) {
      t.write(`${p}/same/manifest.json`, json(manifestFor('same')));
      t.write(`${p}/same/grade.py`, ACCURACY_PY);
    }
    const reg = await loadRegistry({ pluginsDir: t.dir, suitesDir: false, plugins: [join(t.dir, 'a')] });
    expect(reg.ids()).toEqual(['same']);
    expect(reg.get('same').plugin.name).toBe('a');
    expect(reg.problems).toHaveLength(1);
    expect(reg.problems[0]).toMatchObject({ plugin: 'b', field: 'id' });
    expect(reg.problems[0]!.message).toMatch(/duplicate competition id "same", already defined by plugin a/);
  });
});

describe('suites from plugin folders and files', () => {
  it('resolves suites a plugin declares, expands include, and reports unknown ids without failing', async () => {
    const t = tempDir('suites');
    t.write('plugins/mini/one/manifest.json', json(manifestFor('one')));
    t.write('plugins/mini/one/grade.py', ACCURACY_PY);
    t.write('plugins/mini/suites/mini.yaml', 'description: the embedded suite\ncompetitions:\n  - one\n');
    t.write('plugins/mini/suites/bigger.yaml', 'include: [mini]\ncompetitions: [one, ghost]\n');
    t.write('plugins/mini/suites/loop.yaml', 'include: [loop]\n');
    const bad = t.write('suites/bad.yaml', 'competitions: [one]\nextra: 1\n');
    t.write('suites/adhoc.yaml', 'competitions: [one]\n');
    const reg = await loadRegistry({ pluginsDir: join(t.dir, 'plugins'), suitesDir: join(t.dir, 'suites') });
    expect([...reg.suites.keys()].sort()).toEqual(['adhoc', 'bigger', 'loop', 'mini']);
    expect(reg.suites.get('mini')).toMatchObject({ plugin: 'mini', description: 'the embedded suite' });
    expect(reg.problems).toEqual([expect.objectContaining({ file: bad, field: 'extra', line: 2 })]);

    const bigger = reg.resolveSuite('bigger');
    expect(bigger.ids).toEqual(['one', 'ghost']);
    expect(bigger.competitions.map((c) => c.id)).toEqual(['one']);
    expect(bigger.unresolved).toEqual([{ id: 'ghost', reason: 'no loaded plugin defines it' }]);
    expect(() => reg.resolveSuite('loop')).toThrow(/include cycle loop → loop/);
    expect(() => reg.resolveSuite('nope')).toThrow(
      /unknown suite "nope" \(known: adhoc, bigger, loop, mini;/,
    );
    const file = t.write('elsewhere/my-suite.yaml', 'name: custom-name\ncompetitions: [one]\n');
    expect(reg.resolveSuite(file).suite.name).toBe('custom-name');
    expect(reg.resolveSuite(file).ids).toEqual(['one']);
  });
});
