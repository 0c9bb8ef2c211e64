import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError } from '@aira/core';
import { levenshtein } from '@aira/grading';
import { z } from 'zod';
import { createCompetition, type CreateOptions } from './create.js';
import { loadPlugin, resolvePluginSpec, type LoadedCompetition, type PluginInfo } from './load.js';
import type { Manifest } from './manifest.js';
import type { Competition } from './plugin-api.js';
import { formatProblem, type PluginProblem } from './problems.js';
import { expandSuite, readSuiteFile, type SuiteDef } from './suites.js';

/**
 * A competition factory, promptfoo-provider style: `test(id)` says whether it serves an id,
 * `create(options)` binds it to a data folder. The registry is a list of these keyed by id.
 */
export interface CompetitionFactory {
  id: string;
  plugin: PluginInfo;
  manifest: Manifest;
  manifestFile: string;
  dir: string;
  test(id: string): boolean;
  create(options?: CreateOptions): Competition;
}

function factoryOf(loaded: LoadedCompetition): CompetitionFactory {
  return {
    id: loaded.manifest.id,
    plugin: loaded.plugin,
    manifest: loaded.manifest,
    manifestFile: loaded.manifestFile,
    dir: loaded.dir,
    test: (id) => id === loaded.manifest.id,
    create: (options) => createCompetition(loaded, options),
  };
}

export interface ResolvedSuite {
  suite: SuiteDef;
  ids: string[];
  competitions: CompetitionFactory[];
  /** Ids no loaded plugin serves, with the reason (the plugin's own problems when it failed). */
  unresolved: Array<{ id: string; reason: string }>;
}

export class Registry {
  constructor(
    readonly factories: readonly CompetitionFactory[],
    readonly suites: ReadonlyMap<string, SuiteDef>,
    readonly problems: readonly PluginProblem[],
    readonly plugins: readonly PluginInfo[],
  ) {}

  ids(): string[] {
    return this.factories.map((f) => f.id);
  }

  find(id: string): CompetitionFactory | undefined {
    return this.factories.find((f) => f.test(id));
  }

  /** Why an id is not served: its plugin's problems, or that nothing defines it. */
  whyMissing(id: string): string {
    const own = this.problems.filter((p) => p.competition === id);
    if (own.length) return `its plugin failed to load: ${own.map((p) => formatProblem(p)).join('; ')}`;
    const near = this.suggest(id);
    return `no loaded plugin defines it${near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(' or ')}?)` : ''}`;
  }

  /** Ids close to a mistyped one: those containing it, else those a few edits away (at most 3). */
  suggest(id: string): string[] {
    const ids = this.ids();
    const q = id.toLowerCase();
    const containing = ids.filter((x) => q.length >= 3 && x.includes(q));
    if (containing.length) return containing.slice(0, 3);
    const cp = (s: string) => Array.from(s, (c) => c.codePointAt(0)!);
    return ids
      .map((x) => ({ x, d: levenshtein(cp(q), cp(x)) }))
      .filter((e) => e.d <= Math.max(2, Math.floor(q.length / 4)))
      .sort((a, b) => a.d - b.d || a.x.localeCompare(b.x))
      .slice(0, 3)
      .map((e) => e.x);
  }

  get(id: string): CompetitionFactory {
    const f = this.find(id);
    if (!f) throw new ConfigError(`unknown competition "${id}": ${this.whyMissing(id)}`);
    return f;
  }

  create(id: string, options?: CreateOptions): Competition {
    return this.get(id).create(options);
  }

  /** A suite by name (from plugins or benchmarks/suites) or by file path. */
  resolveSuite(spec: string, cwd = process.cwd()): ResolvedSuite {
    const { suite, ids } = expandSuite(spec, this.suites, cwd);
    const competitions: CompetitionFactory[] = [];
    const unresolved: ResolvedSuite['unresolved'] = [];
    for (const id of ids) {
      const f = this.find(id);
      if (f) competitions.push(f);
      else unresolved.push({ id, reason: this.whyMissing(id) });
    }
    return { suite, ids, competitions, unresolved };
  }
}

/** The `plugins:` entry of a config file: folders, manifest files or npm package names. */
export const PluginSpecs = z
  .array(z.string().min(1))
  .default([])
  .describe('extra competition plugins: folders, manifest files or npm package names');

export interface LoadRegistryOptions {
  /** Extra plugins: folders, manifest files or npm package names (config `plugins:` and `--plugin`). */
  plugins?: string[];
  /** Where `<dir>/*` plugins are discovered (the CLI passes its installed plugins/); unset or false: none. */
  pluginsDir?: string | false;
  /** Folder of stand-alone suite files (the CLI passes its benchmarks/suites/); unset or false: none. */
  suitesDir?: string | false;
  /** Folders whose node_modules are searched for plugins given as npm package names (after cwd). */
  roots?: string[];
  /** Base for relative plugin paths. */
  cwd?: string;
}

/** Extra plugin specs from the environment (AIRA_PLUGINS, separated like PATH). */
export function pluginsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.AIRA_PLUGINS ?? '').split(process.platform === 'win32' ? ';' : ':').filter(Boolean);
}

/**
 * Discovers, loads and validates every plugin. Never throws for a broken plugin: its problems
 * are collected (plugin, file, line, field) and every other plugin still loads.
 */
export async function loadRegistry(opts: LoadRegistryOptions = {}): Promise<Registry> {
  const cwd = opts.cwd ?? process.cwd();
  const problems: PluginProblem[] = [];
  const infos: PluginInfo[] = [];
  const pluginsDir = opts.pluginsDir;
  if (pluginsDir && existsSync(pluginsDir)) {
    for (const e of readdirSync(pluginsDir, { withFileTypes: true })) {
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
        infos.push({ name: e.name, dir: join(pluginsDir, e.name), origin: 'plugins-dir' });
    }
    infos.sort((a, b) => a.name.localeCompare(b.name));
  }
  for (const spec of opts.plugins ?? []) {
    const r = resolvePluginSpec(spec, cwd, opts.roots ?? []);
    if ('message' in r) problems.push(r);
    else infos.push(r);
  }
  // The same folder named twice (discovered and via --plugin) is loaded once.
  const seen = new Set<string>();
  const unique = infos.filter((i) => {
    const key = existsSync(i.dir) ? realpathSync(i.dir) : i.dir;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });

  const loaded = await Promise.all(unique.map((p) => loadPlugin(p)));
  const factories: CompetitionFactory[] = [];
  const byId = new Map<string, CompetitionFactory>();
  const suiteFiles: Array<{ file: string; plugin?: string }> = [];
  for (const l of loaded) {
    problems.push(...l.problems);
    for (const c of l.competitions) {
      const prev = byId.get(c.manifest.id);
      if (prev) {
        problems.push({
          plugin: c.plugin.name,
          competition: c.manifest.id,
          file: c.manifestFile,
          field: 'id',
          message: `duplicate competition id "${c.manifest.id}", already defined by plugin ${prev.plugin.name} (${relative(cwd, prev.manifestFile)}); this one is ignored`,
        });
        continue;
      }
      const f = factoryOf(c);
      byId.set(f.id, f);
      factories.push(f);
    }
    suiteFiles.push(...l.suiteFiles.map((file) => ({ file, plugin: l.plugin.name })));
  }
  const suitesDir = opts.suitesDir;
  if (suitesDir && existsSync(suitesDir)) {
    for (const f of readdirSync(suitesDir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort())
      suiteFiles.push({ file: join(suitesDir, f) });
  }
  const suites = new Map<string, SuiteDef>();
  for (const { file, plugin } of suiteFiles) {
    const r = readSuiteFile(file, plugin);
    problems.push(...r.problems);
    if (!r.suite) continue;
    const prev = suites.get(r.suite.name);
    if (prev) {
      problems.push({
        plugin: plugin ?? 'suites',
        file,
        field: 'name',
        message: `duplicate suite "${r.suite.name}", already defined in ${prev.file}; this one is ignored`,
      });
      continue;
    }
    suites.set(r.suite.name, r.suite);
  }
  return new Registry(factories, suites, problems, unique);
}
