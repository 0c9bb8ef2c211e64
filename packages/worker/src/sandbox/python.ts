import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/** Debian's interpreter, which carries numpy, pandas and scikit-learn on machines like ours. */
export const DEFAULT_PYTHON = '/usr/bin/python3';

/** The candidate interpreter and the host folders a sandbox must expose for it to run. */
export interface CandidatePython {
  /** The interpreter to start (a virtualenv's bin/python when a virtualenv folder was given). */
  executable: string;
  /** Prefixes (venv, base install) and the real interpreter's folder, outside /usr. */
  readOnlyPaths: string[];
}

export class PythonSetupError extends Error {
  override name = 'PythonSetupError';
}

const LOCATE = `import json, os, sys, sysconfig
paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
paths |= {v for k, v in sysconfig.get_paths().items() if v}
print(json.dumps(sorted(paths)))`;

/**
 * Resolves `--python PATH`: an interpreter, or a virtualenv folder (its bin/python). Asks the
 * interpreter where it lives so the sandbox can bind those folders read-only; folders under /usr
 * are bound anyway and left out.
 */
export function resolvePython(path: string = DEFAULT_PYTHON): CandidatePython {
  if (!isAbsolute(path))
    throw new PythonSetupError(
      `--python ${path}: give an absolute path (an interpreter or a virtualenv folder)`,
    );
  let executable = path;
  try {
    if (statSync(path).isDirectory()) {
      const candidates = ['bin/python', 'bin/python3'].map((p) => join(path, p));
      const found = candidates.find((c) => existsSync(c));
      if (!found)
        throw new PythonSetupError(`--python ${path}: a folder without bin/python (not a virtualenv)`);
      executable = found;
    }
  } catch (err) {
    if (err instanceof PythonSetupError) throw err;
    throw new PythonSetupError(`--python ${path}: no such file or folder`);
  }
  const r = spawnSync(executable, ['-c', LOCATE], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) {
    const why = r.error
      ? ((r.error as NodeJS.ErrnoException).code ?? r.error.message)
      : (r.stderr ?? '').trim().split('\n').pop();
    throw new PythonSetupError(`--python ${path}: does not run (${why})`);
  }
  let reported: string[];
  try {
    reported = JSON.parse(r.stdout) as string[];
  } catch {
    throw new PythonSetupError(`--python ${path}: unexpected answer from the interpreter`);
  }
  const outside = new Set<string>();
  for (const p of [...reported, dirname(executable), dirname(safeRealpath(executable))]) {
    if (!p || !existsSync(p)) continue;
    const real = safeRealpath(p);
    for (const q of new Set([p, real])) if (!q.startsWith('/usr/') && q !== '/usr') outside.add(q);
  }
  return { executable, readOnlyPaths: minimalRoots([...outside]) };
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** Drops paths that lie inside another path of the list. */
export function minimalRoots(paths: string[]): string[] {
  const sorted = [...new Set(paths)].sort((a, b) => a.length - b.length);
  const out: string[] = [];
  for (const p of sorted) if (!out.some((o) => p === o || p.startsWith(`${o}/`))) out.push(p);
  return out.sort();
}
