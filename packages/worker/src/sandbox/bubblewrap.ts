import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative, resolve } from 'node:path';

/** How a worker treats bubblewrap: `required` refuses to start without it, `auto` falls back. */
export type SandboxMode = 'auto' | 'required' | 'off';
export const SANDBOX_MODES: readonly SandboxMode[] = ['auto', 'required', 'off'];

export interface BubblewrapProbe {
  /** True when a trial sandbox actually ran here (namespaces allowed, mounts permitted). */
  usable: boolean;
  path: string | null;
  version: string | null;
  /** bwrap >= 0.8 with a user namespace: candidate code cannot create namespaces of its own. */
  disableUserns: boolean;
  /** Why it is not usable (one line), when it is not. */
  reason?: string;
}

/** Finds an executable on PATH (or takes an explicit path). */
export function which(name: string, pathEnv = process.env.PATH ?? ''): string | null {
  if (isAbsolute(name)) return isExecutableFile(name) ? name : null;
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

function isExecutableFile(path: string): boolean {
  try {
    const st = statSync(path);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

const probeCache = new Map<string, BubblewrapProbe>();

/**
 * Detects bwrap and whether it works on this machine: being installed is not enough (a container
 * may forbid namespaces or mounts), so a trial sandbox with the same namespaces is run.
 */
export function probeBubblewrap(options: { bwrap?: string } = {}): BubblewrapProbe {
  const key = options.bwrap ?? '';
  const cached = probeCache.get(key);
  if (cached) return cached;
  const path = which(options.bwrap ?? 'bwrap');
  let result: BubblewrapProbe;
  if (!path) {
    result = {
      usable: false,
      path: null,
      version: null,
      disableUserns: false,
      reason: 'bwrap is not installed',
    };
  } else {
    const v = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    const version = /([0-9]+\.[0-9]+(?:\.[0-9]+)?)/.exec(v.stdout ?? '')?.[1] ?? null;
    const trial = (extra: string[]) =>
      spawnSync(
        path,
        [
          ...extra,
          '--unshare-all',
          '--die-with-parent',
          '--new-session',
          '--cap-drop',
          'ALL',
          ...systemBindArgs(),
          '--proc',
          '/proc',
          '--dev',
          '/dev',
          '--',
          'true',
        ],
        { encoding: 'utf8', timeout: 15_000 },
      );
    const strict = trial(['--unshare-user', '--disable-userns']);
    if (strict.status === 0) {
      result = { usable: true, path, version, disableUserns: true };
    } else {
      const plain = trial([]);
      result =
        plain.status === 0
          ? { usable: true, path, version, disableUserns: false }
          : {
              usable: false,
              path,
              version,
              disableUserns: false,
              reason: `bwrap cannot create a sandbox here: ${firstLine(plain.stderr) || `exit ${plain.status}`}`,
            };
    }
  }
  probeCache.set(key, result);
  return result;
}

function firstLine(text: string | null | undefined): string {
  return (text ?? '').trim().split('\n')[0] ?? '';
}

/** What a worker runs candidate code under, decided once at start from the mode and the probe. */
export interface SandboxDecision {
  mode: SandboxMode;
  /** "bubblewrap" or "none"; every exec result carries it. */
  protection: 'bubblewrap' | 'none';
  probe: BubblewrapProbe | null;
  /** Said once at start (auto fell back, or off): hidden data on this machine is not protected. */
  warning?: string;
}

export class SandboxUnavailableError extends Error {
  override name = 'SandboxUnavailableError';
}

/** Applies `--sandbox auto|required|off` to what the probe found. */
export function decideSandbox(
  mode: SandboxMode,
  probe: () => BubblewrapProbe = () => probeBubblewrap(),
): SandboxDecision {
  const unprotected =
    'candidate code runs WITHOUT a sandbox: it can read anything this worker can (token, other sessions, hidden answers on this machine)';
  if (mode === 'off')
    return { mode, protection: 'none', probe: null, warning: `--sandbox off: ${unprotected}` };
  const p = probe();
  if (p.usable) return { mode, protection: 'bubblewrap', probe: p };
  if (mode === 'required')
    throw new SandboxUnavailableError(`--sandbox required but ${p.reason ?? 'bubblewrap is not usable'}`);
  return {
    mode,
    protection: 'none',
    probe: p,
    warning: `--sandbox auto: ${p.reason ?? 'bubblewrap is not usable'}; ${unprotected}`,
  };
}

/** One mount of a host path into the sandbox; `dest` defaults to the same path. */
export interface Bind {
  src: string;
  dest?: string;
  mode: 'ro' | 'rw' | 'dev';
  /** Skip silently when the source does not exist (the `-try` variants). */
  optional?: boolean;
}

/** Everything bwrap needs for one session's processes. */
export interface SandboxSpec {
  bwrap: string;
  /** Session folders, interpreter prefixes, a shared data folder, GPU nodes: mounted in order. */
  binds: Bind[];
  /**
   * Paths candidate code must never see (the worker's workdir and token, coordinator run folders,
   * MLE-bench private folders). Masked wherever a bind would otherwise expose them; binds that
   * lie inside them (the session's own folders) are mounted after the mask.
   */
  protect?: string[];
  /** Extra files or folders under /etc (or any system bind) to hide, beyond the default secrets. */
  hide?: string[];
  chdir?: string;
  hostname?: string;
  /** Size of the sandbox's private /tmp (tmpfs pages count against the memory cgroup). */
  tmpBytes?: number;
  disableUserns?: boolean;
  /** Masks of procfs paths (e.g. /proc/driver/nvidia/gpus) followed by re-binds of allowed entries. */
  procMasks?: { mask: string; allow: string[] }[];
}

/** System folders candidate code may read: merged-/usr symlinks are recreated as symlinks. */
export function systemBinds(): Bind[] {
  const binds: Bind[] = [{ src: '/usr', mode: 'ro' }];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    let st;
    try {
      st = lstatSync(dir);
    } catch {
      continue;
    }
    // Symlinked top folders are handled by systemBindArgs (as symlinks); real ones are bound.
    if (!st.isSymbolicLink()) binds.push({ src: dir, mode: 'ro' });
  }
  binds.push({ src: '/etc', mode: 'ro' });
  return binds;
}

/** Secrets under /etc that stay hidden even though /etc is readable. */
export const ETC_SECRETS = [
  '/etc/shadow',
  '/etc/shadow-',
  '/etc/gshadow',
  '/etc/gshadow-',
  '/etc/sudoers',
  '/etc/sudoers.d',
  '/etc/ssh',
  '/etc/ssl/private',
  '/etc/security/opasswd',
  '/etc/krb5.keytab',
  '/etc/munge',
  '/etc/slurm/slurmdbd.conf',
];

function systemBindArgs(): string[] {
  const args: string[] = [];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    try {
      if (lstatSync(dir).isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    } catch {
      /* absent on this machine */
    }
  }
  for (const b of systemBinds()) args.push('--ro-bind', b.src, b.src);
  return args;
}

function isWithin(child: string, parent: string): boolean {
  const c = resolve(child);
  const p = resolve(parent);
  return c === p || c.startsWith(p.endsWith('/') ? p : `${p}/`);
}

/** Hides host path `source` where it appears in the sandbox (`dest`, the same path unless rebound). */
function maskArgs(source: string, dest = source): string[] {
  let st;
  try {
    st = statSync(source);
  } catch {
    return [];
  }
  // A folder becomes an empty tmpfs; a file becomes an unreadable device node (nodev mount).
  return st.isDirectory() ? ['--tmpfs', dest] : ['--ro-bind', '/dev/null', dest];
}

function bindArgs(b: Bind): string[] {
  const dest = b.dest ?? b.src;
  const flag = b.mode === 'ro' ? '--ro-bind' : b.mode === 'rw' ? '--bind' : '--dev-bind';
  return [b.optional ? `${flag}-try` : flag, b.src, dest];
}

/**
 * Builds the bwrap argv that runs `command` for one session: every namespace unshared (no
 * network, own PID/IPC/UTS namespaces), no capabilities, dies with the worker, a new terminal
 * session (no TIOCSTI into the worker's terminal), read-only system folders with /etc's secrets
 * hidden, fresh /proc and /dev, a private /tmp, then the session's own binds.
 */
export function bubblewrapArgv(spec: SandboxSpec, command: string[]): string[] {
  const args = [spec.bwrap, '--unshare-all'];
  if (spec.disableUserns) args.push('--unshare-user', '--disable-userns');
  args.push('--die-with-parent', '--new-session', '--cap-drop', 'ALL');
  args.push('--hostname', spec.hostname ?? 'aira-sandbox');
  args.push(...systemBindArgs());
  for (const secret of [...ETC_SECRETS, ...(spec.hide ?? [])]) {
    if (existsSync(secret)) args.push(...maskArgs(secret));
  }
  args.push('--proc', '/proc', '--dev', '/dev');
  if (spec.tmpBytes && spec.tmpBytes > 0) args.push('--size', String(spec.tmpBytes));
  args.push('--tmpfs', '/tmp');

  const protect = (spec.protect ?? []).map((p) => resolve(p));
  const outer = spec.binds.filter((b) => !protect.some((p) => isWithin(b.src, p) && b.src !== p));
  const inner = spec.binds.filter((b) => !outer.includes(b));
  for (const b of outer) {
    if (protect.some((p) => resolve(b.src) === p))
      throw new Error(`refusing to bind ${b.src}: it is a protected path`);
    args.push(...bindArgs(b));
  }
  // Mask every protected path that a system bind or an outer bind would expose, where that bind
  // shows it (a shared data folder bound elsewhere shows it under its new place).
  // (/tmp needs no mask: it is a fresh tmpfs.)
  const masked = new Set<string>();
  for (const b of [...systemBinds(), ...outer]) {
    for (const p of protect) {
      if (!isWithin(p, b.src)) continue;
      const dest = join(b.dest ?? b.src, relative(resolve(b.src), p));
      if (masked.has(dest)) continue;
      masked.add(dest);
      args.push(...maskArgs(p, dest));
    }
  }
  for (const b of inner) args.push(...bindArgs(b));
  for (const m of spec.procMasks ?? []) {
    if (!existsSync(m.mask)) continue;
    args.push('--tmpfs', m.mask);
    for (const a of m.allow) args.push('--ro-bind-try', a, a);
  }
  if (spec.chdir) args.push('--chdir', spec.chdir);
  args.push('--', ...command);
  return args;
}
