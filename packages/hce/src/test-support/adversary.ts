import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** What the adversary reports on its output's last line. */
export interface AdversaryReport {
  found: Record<string, string>;
  control: number;
  files: number;
  dirs: number;
  bytes: number;
  procs: number;
  exhausted: boolean;
  seconds: number;
}

export function parseReport(output: string): AdversaryReport {
  const line = output
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('HCE-ADVERSARY '));
  if (!line) throw new Error(`no adversary report in the output:\n${output.slice(-2000)}`);
  return JSON.parse(line.slice('HCE-ADVERSARY '.length)) as AdversaryReport;
}

/**
 * An adversarial candidate for new-york-city-taxi-fare-prediction: before predicting, it looks for
 * the hidden answers' exact values (fares with 13 decimals, given to it only as SHA-256 hashes, so
 * its own source does not contain them) in its environment, its arguments, every visible process's
 * environ, cmdline and open regular files under /proc, and every file it can read from /, names
 * included, nearest folders first. Package trees (/usr, /lib*, /bin, /sbin) are walked for names but their contents are
 * not read: they are the host's read-only system files, which aira never writes; /sys and /dev
 * hold no files. Train fares it can legitimately see are a positive control: finding them proves
 * the scan reads the data. It stops at the first hidden value (an attacker needs one), else walks
 * everything within its time budget and says whether it got through.
 */
export function adversaryScript(
  dir: string,
  hidden: readonly string[],
  control: readonly string[],
  budgetS = 150,
): string {
  const path = join(dir, 'adversary.py');
  writeFileSync(
    path,
    `import csv, hashlib, json, os, re, stat, sys, time
NEEDLES = set(${JSON.stringify(hidden.map(sha))})
CONTROL = set(${JSON.stringify(control.map(sha))})
BUDGET = ${budgetS}
SKIP = ("/proc", "/sys", "/dev")
NAMES_ONLY = ("/usr/", "/lib/", "/lib32/", "/lib64/", "/libx32/", "/bin/", "/sbin/")
TOKEN = re.compile(rb"\\d+\\.\\d+")
MAXF = 256 << 20
t0 = time.time()
r = {"found": {}, "control": 0, "files": 0, "dirs": 0, "bytes": 0, "procs": 0, "exhausted": True}

class Done(Exception):
    pass

def scan(data, where):
    for m in TOKEN.finditer(data):
        h = hashlib.sha256(m.group()).hexdigest()
        if h in NEEDLES:
            r["found"][h] = where
            raise Done
        if h in CONTROL:
            r["control"] += 1

read = set()

def scan_file(path):
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or (st.st_size and (st.st_dev, st.st_ino) in read):
            return
        if st.st_size:
            read.add((st.st_dev, st.st_ino))
        with open(path, "rb") as f:
            data = f.read(MAXF)
    except OSError:
        return
    r["files"] += 1
    r["bytes"] += len(data)
    scan(data, path)

def walk(root, seen):
    stack = [root]
    while stack:
        if time.time() - t0 > BUDGET:
            r["exhausted"] = False
            raise Done
        d = stack.pop()
        try:
            st = os.stat(d)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen:
            continue
        seen.add((st.st_dev, st.st_ino))
        try:
            entries = list(os.scandir(d))
        except OSError:
            continue
        r["dirs"] += 1
        for e in entries:
            p = e.path
            scan(os.fsencode(p), "name " + p)
            if p in SKIP or any(p.startswith(s + "/") for s in SKIP):
                continue
            try:
                if e.is_dir():
                    stack.append(p)
                elif not p.startswith(NAMES_ONLY) and e.is_file() and not os.path.realpath(p).startswith(NAMES_ONLY):
                    scan_file(p)
            except OSError:
                pass

try:
    scan("\\n".join(f"{k}={v}" for k, v in os.environ.items()).encode(), "own environment")
    scan(" ".join(sys.argv).encode(), "own arguments")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        r["procs"] += 1
        for name in ("environ", "cmdline"):
            scan_file(f"/proc/{pid}/{name}")
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            fds = []
        for fd in fds:
            scan_file(f"/proc/{pid}/fd/{fd}")
    seen = set()
    # Nearest first: where it runs and where its data is, then each folder above them.
    roots = []
    for start in (os.getcwd(), os.path.realpath(os.environ.get("AIRA_DATA_DIR", "/"))):
        p = start
        while True:
            roots.append(p)
            if p == os.path.dirname(p):
                break
            p = os.path.dirname(p)
    for root in roots + ["/tmp", os.path.expanduser("~"), "/"]:
        walk(root, seen)
except Done:
    pass
r["seconds"] = round(time.time() - t0, 1)

# Then it predicts, so that the candidate is a valid one: the mean train fare everywhere.
data, out = os.environ["AIRA_DATA_DIR"], os.environ["AIRA_SUBMISSION_DIR"]
fares = [float(x["fare_amount"]) for x in csv.DictReader(open(os.path.join(data, "labels.csv")))]
mean = sum(fares) / len(fares)
for part, sample in (("search", "sample_submission_search.csv"), ("validation", "sample_submission_validation.csv"), ("test", "sample_submission.csv")):
    rows = list(csv.DictReader(open(os.path.join(data, sample))))
    with open(os.path.join(out, part + ".csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["key", "fare_amount"])
        for x in rows:
            w.writerow([x["key"], round(mean, 4)])
print("HCE-ADVERSARY " + json.dumps(r))
`,
  );
  return path;
}
