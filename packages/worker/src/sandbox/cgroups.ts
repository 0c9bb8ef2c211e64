import { type Dirent, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Controllers aira uses; `freezer` only on v1, to stop a fork bomb before killing it. */
export type Controller = 'memory' | 'pids' | 'cpuset' | 'cpu' | 'freezer';
const WANTED: Controller[] = ['memory', 'pids', 'cpuset', 'cpu', 'freezer'];

/**
 * Where this process may create cgroups. v2: one folder holds every controller. v1 (or hybrid):
 * one folder per controller hierarchy, plus the v2 "unified" folder when mounted, whose
 * cgroup.kill ends a whole tree at once even without controllers.
 */
export interface CgroupLayout {
  version: 'v2' | 'v1';
  /** The process's own cgroup in each controller hierarchy (v2: the same folder for all). */
  controllers: Partial<Record<Controller, string>>;
  /** The process's own cgroup in the v2 hierarchy, when mounted and writable. */
  unified: string | null;
}

interface MountEntry {
  root: string;
  point: string;
  fstype: string;
  superOptions: string[];
}

function readMounts(mountinfo: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of mountinfo.split('\n')) {
    // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    if (left.length < 5 || right.length < 3) continue;
    out.push({
      root: unescapeMount(left[3]!),
      point: unescapeMount(left[4]!),
      fstype: right[0]!,
      superOptions: right[2]!.split(','),
    });
  }
  return out;
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Joins a mount point with a cgroup path, taking away the mount's own root (docker without cgroupns). */
function cgroupDir(mount: MountEntry, path: string): string {
  let rel = path;
  if (mount.root !== '/' && (rel === mount.root || rel.startsWith(`${mount.root}/`)))
    rel = rel.slice(mount.root.length);
  return join(mount.point, rel);
}

/** Reads /proc/self/cgroup and /proc/self/mountinfo (or given texts) into a layout; null when no cgroupfs. */
export function detectCgroupLayout(input?: { procCgroup: string; mountinfo: string }): CgroupLayout | null {
  let procCgroup: string;
  let mountinfo: string;
  try {
    procCgroup = input?.procCgroup ?? readFileSync('/proc/self/cgroup', 'utf8');
    mountinfo = input?.mountinfo ?? readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return null;
  }
  const mounts = readMounts(mountinfo);
  const paths = new Map<string, string>(); // controller (or '' for v2) -> path
  for (const line of procCgroup.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === '0' && m[2] === '') paths.set('', m[3]!);
    else for (const c of m[2]!.split(',')) paths.set(c, m[3]!);
  }
  const v2mount = mounts.find((x) => x.fstype === 'cgroup2');
  const unified = v2mount && paths.has('') ? cgroupDir(v2mount, paths.get('')!) : null;

  const v1: Partial<Record<Controller, string>> = {};
  for (const c of WANTED) {
    const mount = mounts.find((x) => x.fstype === 'cgroup' && x.superOptions.includes(c));
    if (mount && paths.has(c)) v1[c] = cgroupDir(mount, paths.get(c)!);
  }
  const v2controllers = unified ? readWords(join(unified, 'cgroup.controllers')) : [];
  if (unified && v2controllers.includes('memory') && v2controllers.includes('pids')) {
    const controllers: Partial<Record<Controller, string>> = {};
    for (const c of WANTED) if (c !== 'freezer' && v2controllers.includes(c)) controllers[c] = unified;
    return { version: 'v2', controllers, unified };
  }
  if (Object.keys(v1).length > 0) return { version: 'v1', controllers: v1, unified };
  if (unified) return { version: 'v2', controllers: {}, unified };
  return null;
}

function readWords(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

export function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Reads `key value` lines (memory.events, pids.events, memory.oom_control, cgroup.events). */
export function readKeyed(path: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (readText(path) ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

export function readNumber(path: string): number | null {
  const t = readText(path)?.trim();
  if (!t || t === 'max') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Writes a cgroup file; errors carry the path so a failure says what was refused. */
export function writeCgroupFile(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot write ${JSON.stringify(value)} to ${path}: ${e.code ?? e.message}`);
  }
}

/** Tries to create and remove a child folder in each hierarchy: only writable ones are kept. */
export function writableLayout(layout: CgroupLayout): CgroupLayout {
  const probeName = `aira-probe-${process.pid}-${Date.now()}`;
  const ok = (dir: string) => {
    const p = join(dir, probeName);
    try {
      mkdirSync(p);
      rmdirSync(p);
      return true;
    } catch {
      return false;
    }
  };
  const controllers: Partial<Record<Controller, string>> = {};
  const seen = new Map<string, boolean>();
  for (const [c, dir] of Object.entries(layout.controllers) as [Controller, string][]) {
    if (!seen.has(dir)) seen.set(dir, ok(dir));
    if (seen.get(dir)) controllers[c] = dir;
  }
  const unified = layout.unified && (seen.get(layout.unified) ?? ok(layout.unified)) ? layout.unified : null;
  return { version: layout.version, controllers, unified };
}

/** Every pid in a cgroup folder and its descendants. */
export function cgroupPids(dir: string): number[] {
  const pids: number[] = [];
  const walk = (d: string) => {
    for (const line of (readText(join(d, 'cgroup.procs')) ?? '').split('\n')) {
      const n = Number(line.trim());
      if (line.trim() && Number.isInteger(n) && n > 0) pids.push(n);
    }
    let entries: string[] = [];
    try {
      entries = readdirSync(d, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return;
    }
    for (const e of entries) walk(join(d, e));
  };
  walk(dir);
  return pids;
}

/**
 * Removes a cgroup folder bottom-up; leaves it (resolves false) while processes remain. Through
 * the thread pool: removing a group whose processes just ended takes the kernel milliseconds
 * (docs/dispatch.md), which must not stop the daemon meanwhile.
 */
export async function removeCgroupTree(dir: string): Promise<boolean> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
  let ok = true;
  for (const e of entries) if (e.isDirectory()) ok = (await removeCgroupTree(join(dir, e.name))) && ok;
  try {
    await rmdir(dir);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
  return ok;
}
