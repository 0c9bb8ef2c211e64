import { ConfigError, readTextFile } from '@aira/core';

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** Reads a hosts file: one `host:port` per line; blank lines and `#` comments ignored. */
export function readHostsFile(path: string): string[] {
  const text = readTextFile(path, 'hosts file');
  const out: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const m = HOST_PORT.exec(line);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
      throw new ConfigError(`hosts file ${path}:${i + 1}: "${line}" is not host:port`);
    }
    out.push(line);
  });
  if (out.length === 0) throw new ConfigError(`hosts file ${path} lists no worker`);
  return out;
}

export type WorkerSpec =
  | { kind: 'local'; spec: string }
  | { kind: 'hosts'; file: string }
  | { kind: 'register'; listen: string }
  | { kind: 'slurm'; jobs: number };

/** Parses `workers.spec` entries: local[:N], hosts:FILE, register:HOST:PORT, slurm[:N]. */
export function parseWorkerSpecs(specs: string[]): WorkerSpec[] {
  return specs.map((s) => {
    if (/^local(:\d+)?$/.test(s)) return { kind: 'local', spec: s };
    if (s.startsWith('hosts:') && s.length > 6) return { kind: 'hosts', file: s.slice(6) };
    if (s.startsWith('register:') && HOST_PORT.test(s.slice(9)))
      return { kind: 'register', listen: s.slice(9) };
    const slurm = /^slurm(?::([1-9]\d*))?$/.exec(s);
    if (slurm) return { kind: 'slurm', jobs: Number(slurm[1] ?? 1) };
    throw new ConfigError(
      `workers.spec: "${s}" is not local, local:N, hosts:FILE, register:HOST:PORT, slurm or slurm:N`,
    );
  });
}
