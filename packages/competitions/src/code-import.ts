import { statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createJiti, type Jiti } from 'jiti';

/**
 * Imports a plugin module. JavaScript is imported as is. TypeScript is imported directly where the
 * runtime understands it (vitest, tsx, Node with type stripping); on plain Node 20 jiti compiles it
 * (cached by content, so an edited file is compiled again), resolving its relative imports
 * (`./x.js` to `./x.ts`) and packages as they would resolve from its source. `@aira/competitions`
 * itself is the running copy, so a plugin kept outside this repository can use the plugin API
 * without installing it, and shares this process's instance of it.
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
  try {
    return await loader().import<Record<string, unknown>>(file);
  } catch (err) {
    // jiti puts where a syntax error is on a second line; one line names both.
    const m = err instanceof Error ? /^(.*?)\s*\n\s*(\S+:\d+:\d+)\s*$/s.exec(err.message) : null;
    throw m ? new Error(`${m[2]}: ${m[1]}`, { cause: err }) : err;
  }
}

/** This package's entry point (code-import.js sits beside index.js in dist/). */
const SELF = fileURLToPath(new URL('./index.js', import.meta.url));

let jiti: Jiti | undefined;
function loader(): Jiti {
  // No module cache: a re-load after an edit runs the new code. Native imports first, so what the
  // plugin imports from packages (this one included) is the instance the host already loaded.
  return (jiti ??= createJiti(import.meta.url, {
    alias: { '@aira/competitions': SELF },
    moduleCache: false,
    tryNative: true,
  }));
}
