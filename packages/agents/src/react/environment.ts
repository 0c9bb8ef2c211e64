import { dirname, join } from 'node:path';
import type { ExecResult, Job, Session } from '@aira/coordinator';

/** What an LLM agent tells the model about the session before it starts. */
export interface Environment {
  /** The data folder as a tree with sizes, and each table's header and first row. */
  layout: string;
  /** The candidate interpreter and its version. */
  python: string;
  /** Installed distributions, `name==version`, sorted. */
  packages: string[];
  /** The run folder (where the LLM logs go), learnt from where the session stores exec logs. */
  runDir: string;
}

const MARKER = '@@aira-env@@';

/** Standard-library Python: lists the data folder (4 levels, 300 entries) and the installed packages. */
function probeCode(dataDir: string): string {
  return `
import csv, importlib.metadata as md, json, os, sys
root = ${JSON.stringify(dataDir)}
lines, shown, more = [], 0, 0
def size(n):
    for u in ("B", "KB", "MB", "GB"):
        if n < 1024: return f"{n:.0f} {u}" if u == "B" else f"{n:.1f} {u}"
        n /= 1024
    return f"{n:.1f} TB"
def head(path):
    try:
        with open(path, newline="", encoding="utf-8", errors="replace") as f:
            r = csv.reader(f, delimiter="\\t" if path.endswith(".tsv") else ",")
            rows = [next(r, None), next(r, None)]
        return [",".join(c[:60] for c in row)[:300] for row in rows if row]
    except Exception:
        return []
for dirpath, dirs, files in os.walk(root):
    dirs.sort(); files.sort()
    depth = os.path.relpath(dirpath, root).count(os.sep) + (0 if dirpath == root else 1)
    if depth >= 4: dirs[:] = []
    rel = os.path.relpath(dirpath, root)
    if rel != ".":
        if shown < 300: lines.append("  " * (depth - 1) + os.path.basename(dirpath) + f"/ ({len(files)} files)")
        shown += 1
    for name in files:
        if shown >= 300 or (len(files) > 20 and files.index(name) >= 10):
            more += 1; continue
        p = os.path.join(dirpath, name); shown += 1
        try: s = size(os.path.getsize(p))
        except OSError: s = "?"
        lines.append("  " * depth + f"{name} ({s})")
        if name.endswith((".csv", ".tsv")):
            for h in head(p): lines.append("  " * depth + "    | " + h)
if more: lines.append(f"... and {more} more files")
pk = sorted({f"{d.metadata['Name']}=={d.version}" for d in md.distributions() if d.metadata['Name']}, key=str.lower)
print(${JSON.stringify(MARKER)} + json.dumps({"layout": "\\n".join(lines), "python": sys.executable + " " + sys.version.split()[0], "packages": pk}))
`;
}

/**
 * Runs the probe in the session (a separate interpreter, so the job's kernel starts clean) and
 * reads the run folder from the probe's own log path (`<run>/jobs/<job>/a<n>/<exec>.log`).
 */
export async function probeEnvironment(session: Session, job: Job): Promise<Environment> {
  const python = session.python || 'python3';
  const code = probeCode(session.dirs.data);
  const result = await session.exec('bash', `${quote(python)} - <<'AIRA_ENV_EOF'\n${code}\nAIRA_ENV_EOF`, {
    label: 'agent:environment',
  });
  const line = result.output.split('\n').find((l) => l.startsWith(MARKER));
  let parsed: { layout: string; python: string; packages: string[] } = { layout: '', python, packages: [] };
  if (line) {
    try {
      parsed = JSON.parse(line.slice(MARKER.length)) as typeof parsed;
    } catch {
      /* keep the empty description; the model can look for itself */
    }
  }
  return {
    layout: parsed.layout || '(the data folder could not be listed)',
    python: parsed.python,
    packages: parsed.packages,
    runDir: runDirOf(result, job),
  };
}

/** `<run>/jobs/<job>/a<n>/<exec>.log` → `<run>`; the log's own folder when it is laid out otherwise. */
export function runDirOf(result: Pick<ExecResult, 'logPath'>, job: Pick<Job, 'spec' | 'attempt'>): string {
  const attemptDir = dirname(result.logPath);
  const jobDir = dirname(attemptDir);
  const jobs = dirname(jobDir);
  if (attemptDir === join(jobs, job.spec.id, `a${job.attempt}`) && jobs.endsWith('/jobs'))
    return dirname(jobs);
  return attemptDir;
}

export function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
