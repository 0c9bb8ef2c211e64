import { beforeAll, describe, expect, it } from 'vitest';
import { pyRound } from '../pyround.js';
import { pythonWithSklearn, rng, runPython } from '../test-support/fixtures.js';
import { rocAuc } from './auc.js';
import { matthewsCorrcoef, microF1Sets, quadraticWeightedKappa } from './classification.js';
import { accuracy } from './labels.js';
import { logLoss } from './logloss.js';
import { lwlrap } from './ranking.js';
import { mae, pearson, rmse, rmsle } from './regression.js';

/** Compares our metrics with scikit-learn / scipy on random data through Debian's real python3. */
const SCRIPT = String.raw`
import json, sys
import numpy as np
from scipy.stats import pearsonr
from sklearn import metrics as M
d = json.load(sys.stdin)
out = {}
out["auc"] = [M.roc_auc_score(c["y"], c["s"]) for c in d["auc"]]
out["logloss"] = [M.log_loss(np.array(c["y"]), np.array(c["p"]), eps=float(np.finfo(float).eps)) for c in d["logloss"]]
out["rmse"] = [float(np.sqrt(M.mean_squared_error(c["t"], c["p"]))) for c in d["reg"]]
out["mae"] = [M.mean_absolute_error(c["t"], c["p"]) for c in d["reg"]]
out["rmsle"] = [float(np.sqrt(M.mean_squared_log_error(np.abs(c["t"]), np.abs(c["p"])))) for c in d["reg"]]
out["pearson"] = [float(pearsonr(c["t"], c["p"])[0]) for c in d["reg"]]
out["qwk"] = [M.cohen_kappa_score(c["a"], c["b"], weights="quadratic") for c in d["cls"]]
out["mcc"] = [M.matthews_corrcoef(c["a"], c["b"]) for c in d["cls"]]
out["acc"] = [M.accuracy_score(c["a"], c["b"]) for c in d["cls"]]
lw = []
for c in d["lwlrap"]:
    t = np.array(c["t"]); s = np.array(c["s"])
    w = t.sum(axis=1); keep = np.flatnonzero(w > 0)
    lw.append(M.label_ranking_average_precision_score(t[keep] > 0, s[keep], sample_weight=w[keep]))
out["lwlrap"] = lw
from sklearn.preprocessing import MultiLabelBinarizer
f1 = []
for c in d["f1"]:
    mlb = MultiLabelBinarizer(classes=sorted(set(x for r in c["t"] for x in r)))
    yt = mlb.fit_transform(c["t"]); yp = mlb.transform(c["p"])
    f1.append(M.f1_score(yt, yp, average="micro"))
out["f1"] = f1
print(json.dumps(out))
`;

describe.skipIf(!pythonWithSklearn())('cross-check with scikit-learn (Debian python3)', () => {
  const r = rng(2024);
  const n = () => 20 + Math.floor(r() * 400);
  const auc = Array.from({ length: 30 }, () => {
    const m = n();
    const y = Array.from({ length: m }, () => (r() < 0.3 ? 1 : 0));
    y[0] = 1;
    y[1] = 0;
    // Scores rounded to 2 decimals so that many ties occur.
    const s = y.map((v) => Math.round((r() * 0.7 + v * 0.3) * 100) / 100);
    return { y, s };
  });
  const logloss = Array.from({ length: 20 }, () => {
    const m = n(),
      k = 2 + Math.floor(r() * 5);
    const y: number[][] = [],
      p: number[][] = [];
    for (let i = 0; i < m; i++) {
      const c = Math.floor(r() * k);
      y.push(Array.from({ length: k }, (_, j) => (j === c ? 1 : 0)));
      const raw = Array.from({ length: k }, () => (r() < 0.1 ? 0 : r()));
      raw[0]! += 1e-3;
      const s = raw.reduce((a, b) => a + b, 0);
      p.push(raw.map((x) => x / s));
    }
    for (let j = 0; j < k; j++) y[j % m]![j] = 1; // every class present
    return { y, p };
  });
  const reg = Array.from({ length: 20 }, () => {
    const m = n();
    const t = Array.from({ length: m }, () => r() * 100 - 20);
    return { t, p: t.map((v) => v + (r() - 0.5) * 30) };
  });
  const cls = Array.from({ length: 20 }, () => {
    const m = n(),
      k = 2 + Math.floor(r() * 5);
    const a = Array.from({ length: m }, () => Math.floor(r() * k) * 2);
    return { a, b: a.map((v) => (r() < 0.6 ? v : Math.floor(r() * k) * 2)) };
  });
  const lw = Array.from({ length: 10 }, () => {
    const m = n(),
      k = 3 + Math.floor(r() * 8);
    const t = Array.from({ length: m }, () => Array.from({ length: k }, () => (r() < 0.2 ? 1 : 0)));
    const s = t.map((row) => row.map((v) => Math.round((r() + v * 0.5) * 10) / 10));
    return { t, s };
  });
  const f1 = Array.from({ length: 10 }, () => {
    const m = n();
    const t = Array.from({ length: m }, () =>
      Array.from({ length: Math.floor(r() * 4) }, () => `c${Math.floor(r() * 12)}`),
    );
    const p = t.map((row) => [
      ...row.filter(() => r() < 0.7),
      ...(r() < 0.3 ? [`c${Math.floor(r() * 15)}`] : []),
    ]);
    return { t, p };
  });
  let py: Record<string, number[]> = {};
  beforeAll(() => {
    py = runPython<Record<string, number[]>>(SCRIPT, { auc, logloss, reg, cls, lwlrap: lw, f1 });
  });

  /** Bit-for-bit the same double: the operand order follows numpy's (pairwise sums in 8192 blocks). */
  const exact = (ours: number, theirs: number) => expect(ours).toBe(theirs);
  /** Same value up to a few ulps (transcendental functions differ between libm and V8), and the same after round(x, 5). */
  const same = (ours: number, theirs: number) => {
    expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, Math.abs(theirs)));
    expect(pyRound(ours, 5)).toBe(pyRound(theirs, 5));
  };

  it('roc_auc_score with ties', () =>
    auc.forEach((c, i) => exact(rocAuc(Uint8Array.from(c.y), c.s), py['auc']![i]!)));
  it('log_loss (eps = float64 machine epsilon)', () =>
    logloss.forEach((c, i) => {
      const k = c.y[0]!.length;
      same(logLoss(Float64Array.from(c.y.flat()), Float64Array.from(c.p.flat()), k), py['logloss']![i]!);
    }));
  it('RMSE, MAE, RMSLE and Pearson', () =>
    reg.forEach((c, i) => {
      exact(rmse(c.t, c.p), py['rmse']![i]!);
      exact(mae(c.t, c.p), py['mae']![i]!);
      same(rmsle(c.t.map(Math.abs), c.p.map(Math.abs)), py['rmsle']![i]!);
      expect(Math.abs(pearson(c.t, c.p) - py['pearson']![i]!)).toBeLessThan(1e-14);
    }));
  it('quadratic kappa, MCC and accuracy', () =>
    cls.forEach((c, i) => {
      const a = { kind: 'num' as const, values: Float64Array.from(c.a) },
        b = { kind: 'num' as const, values: Float64Array.from(c.b) };
      exact(quadraticWeightedKappa(a, b), py['qwk']![i]!);
      exact(matthewsCorrcoef(a, b), py['mcc']![i]!);
      exact(accuracy(a, b), py['acc']![i]!);
    }));
  it('label-weighted LRAP', () =>
    lw.forEach((c, i) =>
      exact(
        lwlrap(
          c.t.map((x) => Uint8Array.from(x)),
          c.s.map((x) => Float64Array.from(x)),
        ),
        py['lwlrap']![i]!,
      ),
    ));
  // Debian's scikit-learn 1.2 still computes F1 as 2pr/(p + r); current releases use 2tp/(|true| + |pred|), as we do.
  it('micro F1 over label sets', () =>
    f1.forEach((c, i) => same(microF1Sets(c.t, c.p, new Set(c.t.flat())), py['f1']![i]!)));
});
