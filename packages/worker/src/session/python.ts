import { fileURLToPath } from 'node:url';
import type { ProcessDialect } from './stateful.js';
import type { LaunchSpec } from './launch.js';

/** The driver ships beside the package's code (packages/worker/python/driver.py), for src and dist alike. */
export const PYTHON_DRIVER = fileURLToPath(new URL('../../python/driver.py', import.meta.url));

/** The session's stateful Python process: python/driver.py, one JSON request per line on stdin. */
export function pythonDialect(spec: () => LaunchSpec): ProcessDialect {
  return {
    role: 'python',
    spec,
    request(execId, marker, code) {
      return `${JSON.stringify({ exec_id: execId, marker, code })}\n`;
    },
    softInterrupt(pid) {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // gone
      }
    },
    parseStatus(text) {
      const t = text.trim();
      if (t.startsWith('signal ')) return { exitCode: -1, signal: t.slice(7) };
      const rc = Number(t);
      return { exitCode: Number.isInteger(rc) ? rc : -1, signal: '' };
    },
  };
}
