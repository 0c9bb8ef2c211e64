// Grading throughput on 10^6-row submissions (accuracy, ROC AUC, RMSE, multi-class log loss,
// MAP@5), CSV reading included. Baseline: the same files read with pandas and scored with
// scikit-learn / a Python MAP@5 loop in /usr/bin/python3, measured in this run. Times are CPU
// time of the process (process.cpuUsage / time.process_time): on a shared machine wall-clock
// time swings several-fold with other load, CPU time much less.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROWS = 1_000_000;

/** Deterministic generator (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(n, r) {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/**
 * Writes answers.csv and two submissions for one metric: rows shuffled (the worst case for
 * alignment) and rows in the answers' order (what a submission built from the sample file has).
 */
function makeCase(dir, name, header, answerRow, subRow) {
  const r = rng(name.length * 7919);
  const ids = Array.from({ length: ROWS }, (_, i) => `id${String(i).padStart(7, '0')}`);
  const truth = ids.map((_, i) => answerRow(i, r));
  const ans = [header, ...ids.map((id, i) => `${id},${truth[i]}`)].join('\n') + '\n';
  const preds = truth.map((t) => subRow(t, r));
  const order = shuffled(ROWS, r);
  writeFileSync(join(dir, `${name}.answers.csv`), ans);
  writeFileSync(join(dir, `${name}.sub.csv`), [header, ...order.map((i) => `${ids[i]},${preds[i]}`)].join('\n') + '\n');
  writeFileSync(join(dir, `${name}.ordered.csv`), [header, ...ids.map((id, i) => `${id},${preds[i]}`)].join('\n') + '\n');
}

const CASES = [
  { name: 'accuracy', competition: 'cassava-leaf-disease-classification', header: 'image_id,label', ans: (i, r) => Math.floor(r() * 5), sub: (t, r) => (r() < 0.8 ? t : Math.floor(r() * 5)) },
  { name: 'roc_auc', competition: 'aerial-cactus-identification', header: 'id,has_cactus', ans: (i, r) => (r() < 0.3 ? 1 : 0), sub: (t, r) => Math.min(1, Math.max(0, 0.3 * t + r() * 0.7)).toFixed(4) },
  { name: 'rmse', competition: 'petfinder-pawpularity-score', header: 'Id,Pawpularity', ans: (i, r) => 1 + Math.floor(r() * 100), sub: (t, r) => Math.min(100, Math.max(1, t + (r() - 0.5) * 20)).toFixed(6) },
  {
    name: 'logloss_multiclass', competition: 'spooky-author-identification', header: 'id,EAP,HPL,MWS',
    ans: (i, r) => { const c = Math.floor(r() * 3); return [0, 1, 2].map((k) => (k === c ? 1 : 0)).join(','); },
    sub: (t, r) => { const a = r() + 0.01, b = r() + 0.01, c = r() + 0.01, s = a + b + c; const p = [a / s, b / s]; return [p[0].toFixed(8), p[1].toFixed(8), (1 - Number(p[0].toFixed(8)) - Number(p[1].toFixed(8))).toFixed(8)].join(','); },
  },
  { name: 'map_at_5', competition: 'whale-categorization-playground', header: 'Image,Id', ans: (i, r) => `w_${Math.floor(r() * 4000)}`, sub: (t, r) => Array.from({ length: 5 }, (_, k) => (k === Math.floor(r() * 8) ? t : `w_${Math.floor(r() * 4000)}`)).join(' ') },
];

const PY = String.raw`
import json, sys, time
import numpy as np, pandas as pd
from sklearn.metrics import accuracy_score, roc_auc_score, mean_squared_error, log_loss
cfg = json.load(sys.stdin)
def mapk(actual, predicted, k):
    out = []
    for a, p in zip(actual, predicted):
        p = p[:k]; score = 0.0; hits = 0.0
        for i, x in enumerate(p):
            if x in a and x not in p[:i]:
                hits += 1.0; score += hits / (i + 1.0)
        out.append(score / min(len(a), k) if a else 0.0)
    return float(np.mean(out))
res = {}
for c in cfg["cases"]:
    t0 = time.process_time()
    sub = pd.read_csv(c["sub"], float_precision="round_trip"); ans = pd.read_csv(c["ans"], float_precision="round_trip")
    idc = sub.columns[0]
    sub = sub.sort_values(idc); ans = ans.sort_values(idc)
    assert (sub[idc].values == ans[idc].values).all()
    n = c["name"]
    if n == "accuracy": s = accuracy_score(ans["label"], sub["label"])
    elif n == "roc_auc": s = roc_auc_score(ans["has_cactus"], sub["has_cactus"])
    elif n == "rmse": s = float(np.sqrt(mean_squared_error(ans["Pawpularity"], sub["Pawpularity"])))
    elif n == "logloss_multiclass": s = log_loss(ans[["EAP","HPL","MWS"]].to_numpy(), sub[["EAP","HPL","MWS"]].to_numpy(), eps=float(np.finfo(float).eps))
    else: s = mapk(ans["Id"].astype(str).str.split(" ").apply(set).tolist(), sub["Id"].astype(str).str.split(" ").tolist(), 5)
    res[n] = {"seconds": time.process_time() - t0, "score": float(s)}
print(json.dumps(res))
`;

/** CPU seconds used by this process so far. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function pythonReady() {
  if (!existsSync('/usr/bin/python3')) return false;
  return spawnSync('/usr/bin/python3', ['-c', 'import pandas, sklearn'], { encoding: 'utf8' }).status === 0;
}

export async function run({ report, root }) {
  const g = await import(pathToFileURL(join(root, 'packages/grading/dist/index.js')).href);
  const dir = mkdtempSync(join(tmpdir(), 'aira-grading-bench-'));
  try {
    for (const c of CASES) makeCase(dir, c.name, c.header, c.ans, c.sub);
    const ours = {};
    for (const c of CASES) {
      const ansPath = join(dir, `${c.name}.answers.csv`), subPath = join(dir, `${c.name}.sub.csv`);
      // Cold: both files read and the answers sorted, as a one-off `aira grade` does.
      let t = cpu();
      const answers = g.readCsv(ansPath);
      const first = g.gradeSubmission(c.competition, subPath, answers);
      const cold = cpu() - t;
      if (!first.valid) throw new Error(`${c.name}: ${first.reason}`);
      // Warm: answers already in memory (the coordinator grades many candidates against one answer set);
      // each run still reads and parses the submission file.
      const times = [];
      for (let k = 0; k < 3; k++) {
        t = cpu();
        const res = g.gradeSubmission(c.competition, subPath, answers);
        times.push(cpu() - t);
        if (res.score !== first.score) throw new Error(`${c.name}: unstable score`);
      }
      const warm = Math.min(...times);
      const orderedPath = join(dir, `${c.name}.ordered.csv`);
      g.gradeSubmission(c.competition, orderedPath, answers);
      t = cpu();
      const ordered = g.gradeSubmission(c.competition, orderedPath, answers);
      const orderedTime = cpu() - t;
      if (ordered.score !== first.score) throw new Error(`${c.name}: row order changed the score (${ordered.score} vs ${first.score})`);
      report(`grading.${c.name}.ordered_rows_per_s`, ROWS / orderedTime, 'rows/s', "CPU time; submission in the answers' row order, answers in memory");
      ours[c.name] = { cold, warm, score: first.rawScore };
      report(`grading.${c.name}.rows_per_s`, ROWS / warm, 'rows/s', 'CPU time; shuffled submission read + graded, answers in memory');
      report(`grading.${c.name}.cold_rows_per_s`, ROWS / cold, 'rows/s', 'CPU time; both files read, answers sorted');
    }
    if (!pythonReady()) {
      report('grading.python_baseline', 'skipped', 'note', '/usr/bin/python3 lacks pandas or scikit-learn');
      return;
    }
    const cases = CASES.map((c) => ({ name: c.name, sub: join(dir, `${c.name}.sub.csv`), ans: join(dir, `${c.name}.answers.csv`) }));
    const py = spawnSync('/usr/bin/python3', ['-c', PY], { input: JSON.stringify({ cases }), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (py.status !== 0) throw new Error(`python baseline failed: ${py.stderr}`);
    const base = JSON.parse(py.stdout);
    for (const c of CASES) {
      const b = base[c.name];
      report(`grading.${c.name}.python_rows_per_s`, ROWS / b.seconds, 'rows/s', 'CPU time; pandas read_csv ×2 + sort + scikit-learn');
      report(`grading.${c.name}.speedup_cold`, b.seconds / ours[c.name].cold, 'x', 'pandas+sklearn time / ours, both reading both files');
      report(`grading.${c.name}.speedup_warm`, b.seconds / ours[c.name].warm, 'x', 'pandas+sklearn time / ours with answers in memory');
      report(`grading.${c.name}.score_abs_diff`, Math.abs(b.score - ours[c.name].score), 'abs', 'our raw score vs the Python baseline');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
