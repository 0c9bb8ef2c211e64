import { execFile } from 'node:child_process';
import type { PythonEnvironment } from '@aira/protocol';

/** Asks the interpreter itself: what it runs as, its version and its installed distributions. */
const PROBE = `
import json, sys
from importlib import metadata
pkgs = {}
for d in metadata.distributions():
    name = d.metadata.get("Name")
    if name:
        pkgs.setdefault(name, d.version)
print(json.dumps({"executable": sys.executable, "version": sys.version.split()[0], "packages": pkgs}))
`;

/** Probes the candidate Python (run once per worker and cached by the caller). */
export function probePython(python: string, timeoutMs = 30_000): Promise<PythonEnvironment> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      ['-c', PROBE],
      { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          const why =
            (err as NodeJS.ErrnoException).code === 'ENOENT'
              ? 'no such file'
              : (stderr.trim().split('\n').pop() ?? err.message);
          return reject(new Error(`python ${python} does not run: ${why}`));
        }
        try {
          const r = JSON.parse(stdout) as {
            executable: string;
            version: string;
            packages: Record<string, string>;
          };
          resolve({ executable: r.executable, version: r.version, packages: r.packages, runner: 'host' });
        } catch {
          reject(new Error(`python ${python}: unexpected probe output`));
        }
      },
    );
  });
}
