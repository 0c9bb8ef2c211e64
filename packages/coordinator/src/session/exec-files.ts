import { readFileSync, statSync } from 'node:fs';
import type { ExecResult, LocalSessionFile, SessionFile } from '../agent/types.js';
import { shellQuote } from '../agent/script-agent.js';

/**
 * File transfer through the session's shell, for workers whose file service is not there
 * (PutFiles/GetFiles answer UNIMPLEMENTED): files travel base64-encoded in an exec's input and
 * output. Slower than the file service, but the same result.
 */
type Exec = (code: string, label: string) => Promise<ExecResult>;

export async function putFilesViaExec(
  exec: Exec,
  root: string,
  files: Array<SessionFile | LocalSessionFile>,
): Promise<void> {
  // One exec for all files: each is a here-document decoded into place.
  const parts = files.map((f) => {
    const target = shellQuote(`${root}/${f.path}`);
    const data = 'localPath' in f ? readFileSync(f.localPath) : f.data;
    const b64 = data.toString('base64').replace(/.{1,76}/g, '$&\n');
    return `mkdir -p "$(dirname ${target})" && base64 -d > ${target} <<'AIRA_FILE_EOF' && chmod ${('localPath' in f ? statSync(f.localPath).mode & 0o777 : (f.mode ?? 0o644)).toString(8)} ${target} || exit 1\n${b64}AIRA_FILE_EOF\n`;
  });
  const r = await exec(`(\n${parts.join('')})`, 'files:put');
  if (r.exitCode !== 0)
    throw new Error(
      `could not write ${files.map((f) => f.path).join(', ')} in the session: ${r.output.trim().slice(-500)}`,
    );
}

export async function getFilesViaExec(exec: Exec, root: string, paths: string[]): Promise<SessionFile[]> {
  const list = paths.map(shellQuote).join(' ');
  const code =
    `( cd ${shellQuote(root)} && for p in ${list}; do if [ -d "$p" ]; then find "$p" -type f; elif [ -f "$p" ]; then printf '%s\\n' "$p"; fi; done ` +
    `| while IFS= read -r f; do printf 'AIRA_FILE\\t%s\\t' "$f"; base64 -w0 "$f"; printf '\\n'; done )`;
  const r = await exec(code, 'files:get');
  if (r.exitCode !== 0)
    throw new Error(`could not read ${paths.join(', ')} in the session: ${r.output.trim().slice(-500)}`);
  // The complete output is in the exec's log (the in-memory copy keeps only head and tail).
  const text = readFileSync(r.logPath, 'utf8');
  const out: SessionFile[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('AIRA_FILE\t')) continue;
    const [, path, b64] = line.split('\t');
    out.push({ path: path!.replace(/^\.\//, ''), data: Buffer.from(b64 ?? '', 'base64') });
  }
  return out;
}
