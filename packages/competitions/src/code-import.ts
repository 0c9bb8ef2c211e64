import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Imports a plugin module. JavaScript is imported as is. TypeScript is imported directly where the
 * runtime understands it (vitest, tsx, Node with type stripping); on plain Node 20 the folder's
 * .ts files are transpiled with the TypeScript compiler into `node_modules/.cache/aira-plugin/`
 * inside the plugin folder, so its relative imports (`./x.js`) and packages resolve as they would
 * from its source. `@aira/competitions` itself is mapped to the running copy, so a plugin kept
 * outside this repository can use the plugin API without installing it.
 */
export async function importPluginModule(file: string): Promise<Record<string, unknown>> {
  // The modification time in the URL makes a re-load after an edit see the new code, not the cached module.
  const url = `${pathToFileURL(file).href}?mtime=${Math.round(statSync(file).mtimeMs * 1000)}`;
  if (!/\.[mc]?ts$/.test(file)) return (await import(url)) as Record<string, unknown>;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
  }
  const out = await transpileFolder(dirname(file));
  return (await import(
    pathToFileURL(join(out, relative(dirname(file), file).replace(/\.([mc]?)ts$/, '.$1js'))).href
  )) as Record<string, unknown>;
}

/** This package's entry point, as a URL (code-import.js sits beside index.js in dist/). */
const SELF = new URL('./index.js', import.meta.url).href;

function tsFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p, base));
    else if (/\.[mc]?ts$/.test(e.name) && !/\.d\.[mc]?ts$/.test(e.name) && !/\.test\.[mc]?ts$/.test(e.name))
      out.push(relative(base, p));
  }
  return out.sort();
}

/** The installed TypeScript's version, read without loading the compiler (seconds on a busy machine). */
function typescriptVersion(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('typescript/package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

async function transpileFolder(dir: string): Promise<string> {
  const version = typescriptVersion();
  if (!version)
    throw new Error(
      `plugin code in ${dir} is TypeScript and the typescript package is not installed; compile it to index.js`,
    );
  const files = tsFiles(dir);
  const hash = createHash('sha256');
  hash.update(version).update(SELF);
  for (const f of files)
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(dir, f)))
      .update('\0');
  const key = hash.digest('hex').slice(0, 16);
  const beside = join(dir, 'node_modules', '.cache', 'aira-plugin', key);
  // A read-only plugin folder (an installed package, a shared mount) transpiles into the temp folder.
  const elsewhere = join(tmpdir(), 'aira-plugin-cache', key);
  for (const out of [beside, elsewhere]) if (existsSync(join(out, 'package.json'))) return out;
  const ts = (await import('typescript')).default;
  let out = beside;
  try {
    mkdirSync(dirname(beside), { recursive: true });
  } catch {
    out = elsewhere;
  }
  // Written to a scratch folder and renamed, so a concurrent loader never sees half a tree.
  const tmp = `${out}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (const f of files) {
    const res = ts.transpileModule(readFileSync(join(dir, f), 'utf8'), {
      fileName: f,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        sourceMap: false,
        inlineSourceMap: true,
      },
    });
    const target = join(tmp, f.replace(/\.([mc]?)ts$/, '.$1js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(
      target,
      res.outputText.replace(/(from\s*|import\s*\(\s*)(['"])@aira\/competitions\2/g, `$1$2${SELF}$2`),
    );
  }
  writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');
  try {
    renameSync(tmp, out);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(out, 'package.json'))) throw err;
  }
  return out;
}
