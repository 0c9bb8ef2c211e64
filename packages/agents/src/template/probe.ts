/**
 * What the agent learns about the data before writing a script: the files in the session's data
 * folder and, for each table, its header and first rows. It runs in the session's Python kernel
 * (standard library only, so it costs milliseconds) and prints one JSON line after a marker.
 */

export interface ProbeFile {
  /** Path relative to the data folder, with `/` separators. */
  path: string;
  size: number;
  /** Header of a CSV/TSV table (absent for other files). */
  columns?: string[];
  /** First rows of a table, each cell cut to 200 characters. */
  rows?: string[][];
}

export interface Probe {
  files: ProbeFile[];
  /** True when the folder held more files than the probe lists. */
  truncated: boolean;
}

const MARKER = '@@aira-template-probe@@';

/** Python that lists `dataDir` (3 levels, 400 files at most) and reads each table's head. */
export function probeCode(dataDir: string): string {
  return `
import csv, gzip, json, os, sys
def _aira_probe(root):
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    files, truncated = [], False
    root = os.path.realpath(root)
    for here, dirs, names in os.walk(root, followlinks=True):
        depth = os.path.relpath(here, root).count(os.sep) + (0 if here == root else 1)
        dirs[:] = sorted(d for d in dirs if not d.startswith('.')) if depth < 3 else []
        for name in sorted(names):
            if len(files) >= 400:
                truncated = True
                break
            full = os.path.join(here, name)
            rel = os.path.relpath(full, root).replace(os.sep, '/')
            entry = {"path": rel, "size": os.path.getsize(full)}
            low = name.lower()
            if low.endswith(('.csv', '.csv.gz', '.tsv', '.tsv.gz')):
                try:
                    opener = gzip.open if low.endswith('.gz') else open
                    with opener(full, 'rt', newline='', encoding='utf-8', errors='replace') as f:
                        reader = csv.reader(f, delimiter='\\t' if '.tsv' in low else ',')
                        entry["columns"] = next(reader, [])
                        entry["rows"] = [[cell[:200] for cell in row[:60]] for _, row in zip(range(3), reader)]
                except Exception as e:
                    entry["error"] = str(e)[:200]
            files.append(entry)
    return {"files": files, "truncated": truncated}
print(${JSON.stringify(MARKER)} + json.dumps(_aira_probe(${JSON.stringify(dataDir)})))
`;
}

/** The probe's JSON from the kernel's output; null when the marker line is missing. */
export function parseProbe(output: string): Probe | null {
  const line = output.split('\n').find((l) => l.startsWith(MARKER));
  if (!line) return null;
  const doc = JSON.parse(line.slice(MARKER.length)) as Probe;
  return { files: doc.files ?? [], truncated: Boolean(doc.truncated) };
}
