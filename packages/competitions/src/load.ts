import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { hasBuiltinGrader } from './builtin-grader.js';
import { importPluginModule } from './code-import.js';
import { parseJsonText } from './locate.js';
import { ManifestSchema, type Manifest } from './manifest.js';
import type { PluginCode } from './plugin-api.js';
import { problemsFromZod, type PluginProblem } from './problems.js';

/** A plugin: a folder (or an npm package's folder) holding one or many competitions and maybe suites. */
export interface PluginInfo {
  name: string;
  dir: string;
  origin: 'plugins-dir' | 'path' | 'package';
}

/** One competition folder that loaded and validated. */
export interface LoadedCompetition {
  plugin: PluginInfo;
  dir: string;
  manifestFile: string;
  manifest: Manifest;
  code: PluginCode;
  codeFile?: string;
}

export interface LoadedPlugin {
  plugin: PluginInfo;
  competitions: LoadedCompetition[];
  /** Suite files the plugin declares under `suites/`. */
  suiteFiles: string[];
  problems: PluginProblem[];
}

const MANIFEST_NAMES = ['manifest.json', 'manifest.ts', 'manifest.js', 'manifest.mjs'];
const CODE_NAMES = ['index.ts', 'index.js', 'index.mjs'];
const CODE_EXPORTS = ['grade', 'split', 'prepare'] as const;

const present = (dir: string, names: string[]) => names.filter((n) => existsSync(join(dir, n)));
const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

export function hasManifest(dir: string): boolean {
  return present(dir, MANIFEST_NAMES).length > 0;
}

/** The folders under a plugin root that are competitions: the root itself, or its direct subfolders. */
export function competitionDirs(root: string): string[] {
  if (hasManifest(root)) return [root];
  return readdirSync(root, { withFileTypes: true })
    .filter(
      (e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules' && e.name !== 'suites',
    )
    .map((e) => join(root, e.name))
    .filter(hasManifest)
    .sort();
}

/** Reads and validates one manifest file; problems carry file, line and field. */
export async function readManifest(
  file: string,
  plugin: string,
): Promise<{ manifest: Manifest; problems: [] } | { manifest?: undefined; problems: PluginProblem[] }> {
  let raw: unknown;
  let text: string | undefined;
  if (file.endsWith('.json')) {
    text = readFileSync(file, 'utf8');
    const parsed = parseJsonText(text);
    if (!parsed.ok) return { problems: [{ plugin, file, line: parsed.line, message: parsed.message }] };
    raw = parsed.value;
  } else {
    try {
      const mod = await importPluginModule(file);
      raw = mod.default ?? mod.manifest;
    } catch (err) {
      return { problems: [{ plugin, file, message: `cannot load: ${firstLine(err)}` }] };
    }
    if (raw === undefined)
      return {
        problems: [{ plugin, file, message: 'exports no manifest (export default defineManifest({...}))' }],
      };
  }
  const result = ManifestSchema.safeParse(raw);
  if (result.success) return { manifest: result.data, problems: [] };
  const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : undefined;
  return { problems: problemsFromZod(result.error, { plugin, file, text, competition: id }) };
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/** Loads one competition folder: manifest, then code; validation problems instead of exceptions. */
export async function loadCompetitionDir(
  dir: string,
  plugin: PluginInfo,
): Promise<{ competition?: LoadedCompetition; problems: PluginProblem[] }> {
  const manifests = present(dir, MANIFEST_NAMES);
  if (manifests.length === 0)
    return {
      problems: [{ plugin: plugin.name, file: dir, message: `no manifest (${MANIFEST_NAMES.join(', ')})` }],
    };
  if (manifests.length > 1) {
    return {
      problems: [
        {
          plugin: plugin.name,
          file: join(dir, manifests[1]!),
          message: `more than one manifest here (${manifests.join(', ')}); keep one`,
        },
      ],
    };
  }
  const manifestFile = join(dir, manifests[0]!);
  const read = await readManifest(manifestFile, plugin.name);
  if (!read.manifest) return { problems: read.problems };
  const manifest = read.manifest;
  const problems: PluginProblem[] = [];
  const at = (file: string, field: string | undefined, message: string) =>
    problems.push({ plugin: plugin.name, competition: manifest.id, file, field, message });

  const codeNames = present(dir, CODE_NAMES);
  let code: PluginCode = {};
  let codeFile: string | undefined;
  if (codeNames.length > 1)
    at(
      join(dir, codeNames[1]!),
      undefined,
      `more than one code module here (${codeNames.join(', ')}); keep one`,
    );
  else if (codeNames.length === 1) {
    codeFile = join(dir, codeNames[0]!);
    try {
      const mod = await importPluginModule(codeFile);
      for (const name of CODE_EXPORTS) {
        if (mod[name] !== undefined && typeof mod[name] !== 'function')
          at(codeFile, name, `must be a function, got ${typeof mod[name]}`);
      }
      code = mod as PluginCode;
      if (manifest.grader.kind === 'code' && manifest.grader.export !== 'grade') {
        const fn = mod[manifest.grader.export];
        if (typeof fn === 'function') code = { ...code, grade: fn as PluginCode['grade'] };
      }
    } catch (err) {
      at(codeFile, undefined, `cannot load: ${firstLine(err)}`);
    }
  }
  if (manifest.grader.kind === 'code' && typeof code.grade !== 'function' && !problems.length) {
    at(
      manifestFile,
      'grader.export',
      `grader.kind is "code" but ${codeFile ? basename(codeFile) : 'no index.ts/index.js'} exports no function ${manifest.grader.export}()`,
    );
  }
  if (manifest.grader.kind === 'builtin' && !hasBuiltinGrader(manifest.grader.competition ?? manifest.id)) {
    at(
      manifestFile,
      manifest.grader.competition ? 'grader.competition' : 'grader.kind',
      `@aira/grading has no built-in grader for "${manifest.grader.competition ?? manifest.id}" (use a python or code grader)`,
    );
  }
  if (manifest.grader.kind === 'python' && !existsSync(join(dir, manifest.grader.script))) {
    at(manifestFile, 'grader.script', `no such file: ${join(dir, manifest.grader.script)}`);
  }
  if (manifest.leaderboard.kind === 'file' && !existsSync(join(dir, manifest.leaderboard.path))) {
    at(manifestFile, 'leaderboard.path', `no such file: ${join(dir, manifest.leaderboard.path)}`);
  }
  if (manifest.checksums.kind === 'file' && !existsSync(join(dir, manifest.checksums.path))) {
    at(manifestFile, 'checksums.path', `no such file: ${join(dir, manifest.checksums.path)}`);
  }
  if (problems.length) return { problems };
  return { competition: { plugin, dir, manifestFile, manifest, code, codeFile }, problems };
}

/** Loads every competition of a plugin; one broken competition does not stop its siblings. */
export async function loadPlugin(plugin: PluginInfo): Promise<LoadedPlugin> {
  const out: LoadedPlugin = { plugin, competitions: [], suiteFiles: [], problems: [] };
  if (!isDir(plugin.dir)) {
    out.problems.push({ plugin: plugin.name, file: plugin.dir, message: 'not a folder' });
    return out;
  }
  const suitesDir = join(plugin.dir, 'suites');
  if (isDir(suitesDir)) {
    out.suiteFiles = readdirSync(suitesDir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(suitesDir, f));
  }
  const dirs = competitionDirs(plugin.dir);
  if (dirs.length === 0 && out.suiteFiles.length === 0) {
    out.problems.push({
      plugin: plugin.name,
      file: plugin.dir,
      message: `no competitions: neither this folder nor any folder directly inside it has a ${MANIFEST_NAMES.join(' / ')}`,
    });
  }
  for (const dir of dirs) {
    const res = await loadCompetitionDir(dir, plugin);
    out.problems.push(...res.problems);
    if (res.competition) out.competitions.push(res.competition);
  }
  return out;
}

/** Finds an npm package's folder the way Node would, from `from` and from the repository. */
function findPackageDir(name: string, from: string[]): string | undefined {
  for (const start of from) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

const looksLikePath = (spec: string) =>
  /^(\.{1,2}([\\/]|$)|[\\/]|~|[A-Za-z]:[\\/])/.test(spec) || spec.endsWith('.json') || spec.endsWith('.ts');

/**
 * Turns a `--plugin` / config entry into a plugin: a folder, a manifest file, or an npm package
 * name (its folder, or the sub-folder its package.json names in `aira.plugin`).
 */
export function resolvePluginSpec(
  spec: string,
  cwd: string,
  searchFrom: string[],
): PluginInfo | PluginProblem {
  const expanded = spec.startsWith('~') ? join(process.env.HOME ?? '', spec.slice(1)) : spec;
  const asPath = resolve(cwd, expanded);
  if (looksLikePath(spec) || existsSync(asPath)) {
    if (!existsSync(asPath)) return { plugin: spec, file: asPath, message: 'no such file or folder' };
    if (!isDir(asPath)) {
      if (!MANIFEST_NAMES.includes(basename(asPath)))
        return {
          plugin: spec,
          file: asPath,
          message: `not a plugin folder or a manifest (${MANIFEST_NAMES.join(', ')})`,
        };
      return { name: basename(dirname(asPath)), dir: dirname(asPath), origin: 'path' };
    }
    return { name: basename(asPath), dir: asPath, origin: 'path' };
  }
  const pkgDir = findPackageDir(spec, [cwd, ...searchFrom]);
  if (!pkgDir)
    return {
      plugin: spec,
      file: spec,
      message: `no folder and no installed npm package named "${spec}" (npm install it, or give a path)`,
    };
  let sub = '.';
  try {
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
      aira?: { plugin?: unknown };
    };
    if (typeof pkg.aira?.plugin === 'string') sub = pkg.aira.plugin;
  } catch (err) {
    return { plugin: spec, file: join(pkgDir, 'package.json'), message: `cannot read: ${firstLine(err)}` };
  }
  return { name: spec, dir: resolve(pkgDir, sub), origin: 'package' };
}
