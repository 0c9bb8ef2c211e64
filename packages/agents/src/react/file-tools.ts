import { posix } from 'node:path';
import type { Session } from '@aira/coordinator';
import { clip } from './observation.js';
import type { Args } from './tools.js';

interface Outcome {
  content: string;
  error?: boolean;
}

/** A path the model gave, relative to the session root (what getFiles/putFiles take), or an error. */
function sessionPath(session: Session, given: string): { rel: string } | { error: string } {
  const work = session.dirs.work.replace(/\/+$/, '');
  const root = work.replace(/\/work$/, '');
  const p = given.trim();
  let rel: string;
  if (posix.isAbsolute(p)) {
    const n = posix.normalize(p);
    if (!n.startsWith(`${root}/`))
      return { error: `${given} is outside the session (${root}); use bash for other files` };
    rel = n.slice(root.length + 1);
  } else rel = posix.normalize(posix.join('work', p));
  if (rel.startsWith('..') || rel === '.' || rel === 'work')
    return { error: `${given} is not a file in the session` };
  return { rel };
}

async function read(session: Session, rel: string): Promise<string | null> {
  try {
    const [f] = await session.getFiles([rel]);
    return f ? f.data.toString('utf8') : null;
  } catch (err) {
    if (session.signal.aborted) throw err;
    return null;
  }
}

export async function readFile(session: Session, args: Args, maxChars: number): Promise<Outcome> {
  const at = sessionPath(session, String(args.path));
  if ('error' in at) return { content: `read_file: ${at.error}`, error: true };
  const text = await read(session, at.rel);
  if (text === null) return { content: `read_file: ${String(args.path)} does not exist`, error: true };
  const lines = text.split('\n');
  const from = Math.max(1, Number(args.offset ?? 1));
  const count = Math.max(1, Number(args.limit ?? 400));
  const shown = lines
    .slice(from - 1, from - 1 + count)
    .map((l, i) => `${String(from + i).padStart(6)}  ${l}`);
  const more =
    from - 1 + count < lines.length
      ? `\n(lines ${from}-${from + shown.length - 1} of ${lines.length}; use offset to read on)`
      : '';
  return { content: clip(shown.join('\n'), maxChars).text + more };
}

export async function writeFile(session: Session, args: Args): Promise<Outcome> {
  const at = sessionPath(session, String(args.path));
  if ('error' in at) return { content: `write_file: ${at.error}`, error: true };
  if (!at.rel.startsWith('work/') && !at.rel.startsWith('submission/'))
    return { content: `write_file: only the work and submission folders are writable`, error: true };
  const content = String(args.content);
  await session.putFiles([{ path: at.rel, data: Buffer.from(content) }]);
  return {
    content: `wrote ${String(args.path)} (${content.split('\n').length} lines, ${Buffer.byteLength(content)} bytes)`,
  };
}

export async function editFile(session: Session, args: Args): Promise<Outcome> {
  const at = sessionPath(session, String(args.path));
  if ('error' in at) return { content: `edit_file: ${at.error}`, error: true };
  const text = await read(session, at.rel);
  if (text === null) return { content: `edit_file: ${String(args.path)} does not exist`, error: true };
  const oldS = String(args.old_string);
  if (oldS === '')
    return { content: 'edit_file: old_string is empty; use write_file to create a file', error: true };
  const count = text.split(oldS).length - 1;
  if (count !== 1) {
    return {
      content: `edit_file: old_string occurs ${count} times in ${String(args.path)}; it must occur exactly once (include more surrounding text)`,
      error: true,
    };
  }
  const next = text.replace(oldS, () => String(args.new_string));
  await session.putFiles([{ path: at.rel, data: Buffer.from(next) }]);
  const line = text.slice(0, text.indexOf(oldS)).split('\n').length;
  return { content: `edited ${String(args.path)} at line ${line}` };
}
