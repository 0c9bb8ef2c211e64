// Grading figures on 10^6-row submissions (accuracy, ROC AUC, RMSE, multi-class log loss, MAP@5).
//
// grading.whole_process — the user's case: `aira grade` as a whole process (node start, module
//   loading, both CSVs read, ids aligned, scored, the report printed) on files whose rows are
//   shuffled (the answers too, each file in its own order), beside MLE-bench's own way of grading
//   the same files in the same run: /usr/bin/python3 reading both with pandas
//   (float_precision="round_trip"), sorting both by id, checking the ids and scoring with
//   scikit-learn (MAP@5: MLE-bench's Python loop). Rounds alternate the two; the goal is judged
//   on CPU time (user + sys of the whole process, node's GC and I/O threads included), best of the
//   rounds, because on a shared machine wall time swings several-fold with the others' load; the
//   wall-time ratio is printed beside it. Scores must be equal (aira's report score == Python's
//   round(score, 5)).
// grading.in_process — the coordinator's case: answers parsed once and kept, each candidate's
//   submission read and graded in this process (CPU time).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const { rngFor } = await import(new URL('../../packages/core/dist/index.js', import.meta.url).href);

const ROWS = 1_000_000;
/** Runs of each side per metric (npm run bench -- --rounds N); the best counts. */
const ROUNDS = 1;
const GOAL = 5;

/** Deterministic generator: the project's seeded one (@aira/core), as a function. */
function rng(seed) {
  const g = rngFor(seed, 'grading-bench');
  return () => g.next();
}

function shuffled(n, r) {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const x = order[i];
    order[i] = order[j];
    order[j] = x;
  }
  return order;
}

/** Writes a CSV: the header, then line(i) for each row. */
function writeCsv(path, header, n, line) {
  const parts = [header];
  for (let i = 0; i < n; i++) parts.push(line(i));
  writeFileSync(path, parts.join('\n') + '\n');
}

const CASES = [
  {
    name: 'accuracy',
    competition: 'cassava-leaf-disease-classification',
    header: 'image_id,label',
    ans: (r) => Math.floor(r() * 5),
    sub: (t, r) => (r() < 0.8 ? t : Math.floor(r() * 5)),
  },
  {
    name: 'roc_auc',
    competition: 'aerial-cactus-identification',
    header: 'id,has_cactus',
    ans: (r) => (r() < 0.3 ? 1 : 0),
    sub: (t, r) => Math.min(1, Math.max(0, 0.3 * t + r() * 0.7)).toFixed(4),
  },
  {
    name: 'rmse',
    competition: 'petfinder-pawpularity-score',
    header: 'Id,Pawpularity',
    ans: (r) => 1 + Math.floor(r() * 100),
    sub: (t, r) => Math.min(100, Math.max(1, t + (r() - 0.5) * 20)).toFixed(6),
  },
  {
    name: 'logloss',
    competition: 'spooky-author-identification',
    header: 'id,EAP,HPL,MWS',
    ans: (r) => {
      const c = Math.floor(r() * 3);
      return [0, 1, 2].map((k) => (k === c ? 1 : 0)).join(',');
    },
    sub: (t, r) => {
      const a = r() + 0.01,
        b = r() + 0.01,
        c = r() + 0.01,
        s = a + b + c;
      const p0 = (a / s).toFixed(8),
        p1 = (b / s).toFixed(8);
      return `${p0},${p1},${(1 - Number(p0) - Number(p1)).toFixed(8)}`;
    },
  },
  {
    name: 'map_at_5',
    competition: 'whale-categorization-playground',
    header: 'Image,Id',
    ans: (r) => `w_${Math.floor(r() * 4000)}`,
    sub: (t, r) =>
      Array.from({ length: 5 }, (_, k) =>
        k === Math.floor(r() * 8) ? t : `w_${Math.floor(r() * 4000)}`,
      ).join(' '),
  },
];

/** answers.csv and a submission, rows shuffled in each, per case; made once per run. */
let data = null;
function dataset() {
  if (data) return data;
  const dir = mkdtempSync(join(tmpdir(), 'aira-grading-bench-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const id = (i) => `id${String(i).padStart(7, '0')}`;
  for (const c of CASES) {
    const r = rng(c.name.length * 7919);
    const truth = Array.from({ length: ROWS }, () => c.ans(r));
    const preds = truth.map((t) => c.sub(t, r));
    // Neither file in id order, and each in its own order: the answers must be sorted (MLE-bench
    // sums in id order) and every submission row found by id.
    const ansOrder = shuffled(ROWS, r),
      subOrder = shuffled(ROWS, r);
    writeCsv(
      join(dir, `${c.name}.answers.csv`),
      c.header,
      ROWS,
      (i) => `${id(ansOrder[i])},${truth[ansOrder[i]]}`,
    );
    writeCsv(
      join(dir, `${c.name}.sub.csv`),
      c.header,
      ROWS,
      (i) => `${id(subOrder[i])},${preds[subOrder[i]]}`,
    );
  }
  writeFileSync(join(dir, 'leaderboard.csv'), 'score\n0.9\n0.5\n0.1\n');
  return (data = {
    dir,
    ans: (c) => join(dir, `${c.name}.answers.csv`),
    sub: (c) => join(dir, `${c.name}.sub.csv`),
    leaderboard: join(dir, 'leaderboard.csv'),
  });
}

// MLE-bench's grading of these competitions (grade.py: read both, sort by id, check, score).
const PY = String.raw`
import json, sys
import numpy as np, pandas as pd
from sklearn.metrics import accuracy_score, roc_auc_score, mean_squared_error, log_loss
name, sub_path, ans_path = sys.argv[1:4]
def mapk(actual, predicted, k):
    out = []
    for a, p in zip(actual, predicted):
        p = p[:k]; score = 0.0; hits = 0.0
        for i, x in enumerate(p):
            if x in a and x not in p[:i]:
                hits += 1.0; score += hits / (i + 1.0)
        out.append(score / min(len(a), k) if a else 0.0)
    return float(np.mean(out))
sub = pd.read_csv(sub_path, float_precision="round_trip"); ans = pd.read_csv(ans_path, float_precision="round_trip")
idc = sub.columns[0]
sub = sub.sort_values(idc); ans = ans.sort_values(idc)
assert (sub[idc].values == ans[idc].values).all()
if name == "accuracy": s = accuracy_score(ans["label"], sub["label"])
elif name == "roc_auc": s = roc_auc_score(ans["has_cactus"], sub["has_cactus"])
elif name == "rmse": s = float(np.sqrt(mean_squared_error(ans["Pawpularity"], sub["Pawpularity"])))
elif name == "logloss": s = log_loss(ans[["EAP","HPL","MWS"]].to_numpy(), sub[["EAP","HPL","MWS"]].to_numpy())
else: s = mapk(ans["Id"].astype(str).str.split(" ").apply(set).tolist(), sub["Id"].astype(str).str.split(" ").tolist(), 5)
print(json.dumps({"score": round(float(s), 5), "raw": float(s)}))
`;

/**
 * Runs a command to completion; wall time from here, CPU time of the process tree from bash's
 * `times` (children's user + sys, threads included).
 */
function timed(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync('/bin/bash', ['-c', '"$@"; rc=$?; times >&2; exit $rc', 'bash', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0)
    throw new Error(
      `${cmd} ${args.slice(0, 3).join(' ')} … failed (${r.status}): ${r.stderr.trim().split('\n').slice(-4).join(' | ')}`,
    );
  const lines = r.stderr.trim().split('\n');
  const [u, s] = lines[lines.length - 1].split(/\s+/).map((t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  });
  return { wall, cpu: u + s, stdout: r.stdout };
}

function pythonReady() {
  if (!existsSync('/usr/bin/python3')) return false;
  return spawnSync('/usr/bin/python3', ['-c', 'import pandas, sklearn'], { encoding: 'utf8' }).status === 0;
}

const best = (xs) => Math.min(...xs);

async function wholeProcess({ report, goal, root, rounds = ROUNDS }) {
  const d = dataset();
  const aira = join(root, 'packages/cli/bin/aira.js');
  if (!pythonReady()) {
    report('grading.whole_process', 'skipped', 'note', '/usr/bin/python3 lacks pandas or scikit-learn');
    goal(
      'aira grade vs MLE-bench grader',
      `>= ${GOAL}x`,
      'skipped: no pandas/scikit-learn in /usr/bin/python3',
      false,
    );
    return;
  }
  for (const c of CASES) {
    const py = { wall: [], cpu: [] };
    const ours = { wall: [], cpu: [] };
    let pyScore, ourScore;
    for (let k = 0; k < rounds; k++) {
      const p = timed('/usr/bin/python3', ['-c', PY, c.name, d.sub(c), d.ans(c)]);
      py.wall.push(p.wall);
      py.cpu.push(p.cpu);
      pyScore = JSON.parse(p.stdout).score;
      const a = timed(process.execPath, [
        aira,
        'grade',
        '--competition',
        c.competition,
        '--submission',
        d.sub(c),
        '--answers',
        d.ans(c),
        '--leaderboard',
        d.leaderboard,
        '--json',
      ]);
      ours.wall.push(a.wall);
      ours.cpu.push(a.cpu);
      ourScore = JSON.parse(a.stdout).score;
    }
    if (ourScore !== pyScore)
      throw new Error(`${c.name}: aira grade scored ${ourScore}, MLE-bench's grader ${pyScore}`);
    const wallRatio = best(py.wall) / best(ours.wall);
    const ratio = best(py.cpu) / best(ours.cpu);
    report(
      `grading.whole_process.${c.name}.aira_cpu_s`,
      best(ours.cpu),
      's',
      `aira grade, CPU, best of ${rounds}; wall ${best(ours.wall).toFixed(2)} s`,
    );
    report(
      `grading.whole_process.${c.name}.python_cpu_s`,
      best(py.cpu),
      's',
      `pandas + scikit-learn, CPU, best of ${rounds}; wall ${best(py.wall).toFixed(2)} s`,
    );
    report(
      `grading.whole_process.${c.name}.ratio`,
      ratio,
      'x',
      `MLE-bench's grader CPU time / aira grade's; score ${ourScore} on both`,
    );
    report(`grading.whole_process.${c.name}.wall_ratio`, wallRatio, 'x', 'the same in wall time');
    goal(
      `aira grade ${c.name}, 10^6 shuffled rows, whole process`,
      `>= ${GOAL}x`,
      `${ratio.toFixed(2)}x CPU (${best(ours.cpu).toFixed(2)} s vs ${best(py.cpu).toFixed(2)} s); wall ${wallRatio.toFixed(2)}x (${best(ours.wall).toFixed(2)} s vs ${best(py.wall).toFixed(2)} s)`,
      ratio >= GOAL,
    );
  }
}

/** CPU seconds used by this process so far. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function inProcess({ report, root }) {
  const d = dataset();
  const g = await import(pathToFileURL(join(root, 'packages/grading/dist/index.js')).href);
  for (const c of CASES) {
    const answers = g.loadAnswers(d.ans(c));
    const first = g.gradeSubmission(c.competition, d.sub(c), answers);
    if (!first.valid) throw new Error(`${c.name}: ${first.reason}`);
    const times = [];
    for (let k = 0; k < 2; k++) {
      const t = cpu();
      const res = g.gradeSubmission(c.competition, d.sub(c), answers);
      times.push(cpu() - t);
      if (res.score !== first.score) throw new Error(`${c.name}: unstable score`);
    }
    report(
      `grading.in_process.${c.name}.rows_per_s`,
      ROWS / best(times),
      'rows/s',
      'CPU time; shuffled submission read + graded, answers parsed once and kept',
    );
  }
}

export const parts = { whole_process: wholeProcess, in_process: inProcess };
