import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAlive } from '@aira/core';

export interface OwnerWatch {
  stop(): void;
}

/**
 * Watches the process a worker serves, named by a JSON file `{"pid":N,"hostname":H}` (a study's
 * coordinator.json). While the file names a live process on this host, the worker is owned; when
 * it has named none for `graceMs` (the coordinator was killed, or ended and removed it) `onGone`
 * runs once. The grace lets a coordinator that is resumed at once adopt the daemon (it rewrites the
 * file with its own pid) instead of finding it gone.
 */
export function watchOwner(
  file: string,
  graceMs: number,
  onGone: (why: string) => void,
  intervalMs = 500,
): OwnerWatch {
  let ownedAt = Date.now();
  let last = 'no owner yet';
  const timer = setInterval(() => {
    const owner = readOwner(file);
    if (owner.alive) ownedAt = Date.now();
    else last = owner.why;
    if (Date.now() - ownedAt > graceMs) {
      clearInterval(timer);
      onGone(last);
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function readOwner(file: string): { alive: boolean; why: string } {
  let doc: { pid?: unknown; hostname?: unknown };
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as typeof doc;
  } catch {
    return { alive: false, why: `${file} is gone` };
  }
  if (typeof doc.pid !== 'number') return { alive: false, why: `${file} names no pid` };
  if (doc.hostname !== undefined && doc.hostname !== hostname())
    return { alive: false, why: `${file} names another host` };
  return isAlive(doc.pid) ? { alive: true, why: '' } : { alive: false, why: `owner pid ${doc.pid} is gone` };
}
