import { alignById, ansCol, numericAns, requireSameIdSet, sortOrder, subCol } from '../align.js';
import type { Column, Table } from '../csv/table.js';
import { AnswersError, InvalidSubmission, MetricError, rowNo, show } from '../errors.js';
import { rocAuc } from '../metrics/auc.js';
import { isClose, npMean, npQuantile, sequentialSum } from '../npmath.js';
import { pyRound } from '../pyround.js';
import { csvAnswers, type Grader } from './types.js';

export const otherGraders: Grader[] = [
  {
    id: 'osic-pulmonary-fibrosis-progression',
    metric: "modified Laplace log-likelihood over each patient's last 3 weeks",
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      const apw = ansCol(ans, 'Patient_Week');
      const afvc = numericAns(ansCol(ans, 'FVC'));
      const apat = ansCol(ans, 'Patient');
      const spw = subCol(sub, 'Patient_Week');
      const sfvc = subCol(sub, 'FVC');
      const sconf = subCol(sub, 'Confidence');
      const known = new Set<number | string>();
      for (let i = 0; i < ans.rowCount; i++) known.add(apw.key(i));
      for (let i = 0; i < sub.rowCount; i++)
        if (!known.has(spw.key(i)))
          throw new InvalidSubmission(
            `Patient_Week ${show(spw.text(i))} on row ${rowNo(i)} does not exist in the answers`,
          );
      if (sfvc.kind === 'object') throw new InvalidSubmission('the "FVC" column must be numeric');
      if (sconf.kind === 'object') throw new InvalidSubmission('the "Confidence" column must be numeric');
      const fvc = sfvc.numbers();
      const conf = sconf.numbers();
      // Latest 3 weeks per patient among answers with an FVC (the dummy rows are dropped).
      const byPatient = new Map<string, { row: number; week: number }[]>();
      for (let i = 0; i < ans.rowCount; i++) {
        if (Number.isNaN(afvc[i]!)) continue;
        const text = apw.pyStr(i);
        const week = Number.parseInt(text.split('_').at(-1)!, 10);
        if (!Number.isFinite(week))
          throw new AnswersError(
            `${ans.source}: Patient_Week ${show(text)} on row ${rowNo(i)} does not end in a week number`,
          );
        const p = apat.pyStr(i);
        let l = byPatient.get(p);
        if (!l) byPatient.set(p, (l = []));
        l.push({ row: i, week });
      }
      const scored = new Map<number | string, number>(); // Patient_Week key → answers row
      for (const l of byPatient.values()) {
        l.sort((x, y) => x.week - y.week || x.row - y.row);
        for (const e of l.slice(-3)) scored.set(apw.key(e.row), e.row);
      }
      // Submission rows for scored weeks, sorted by Patient_Week; answers rows present in the submission likewise.
      const subRows = Array.from(sortOrder(spw)).filter((i) => scored.has(spw.key(i)));
      const inSub = new Set(subRows.map((i) => spw.key(i)));
      const ansRows = Array.from(sortOrder(apw)).filter(
        (i) => scored.get(apw.key(i)) === i && inSub.has(apw.key(i)),
      );
      if (subRows.length !== ansRows.length)
        throw new MetricError(
          `operands could not be broadcast together: ${ansRows.length} scored answer weeks vs ${subRows.length} submission rows for them (a repeated Patient_Week?)`,
        );
      const metric = new Float64Array(subRows.length);
      for (let j = 0; j < metric.length; j++) {
        const c = conf[subRows[j]!]!;
        const sd = Math.max(c === c ? c : 0, 70); // Confidence NaN → 0 → clipped to 70
        const delta = Math.min(Math.abs(afvc[ansRows[j]!]! - fvc[subRows[j]!]!), 1000);
        metric[j] = (-Math.SQRT2 * delta) / sd - Math.log(Math.SQRT2 * sd);
      }
      return npMean(metric);
    },
  },
  {
    id: 'smartphone-decimeter-2022',
    metric: 'mean over trips of mean(P50, P95) haversine error in metres',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      for (const c of ['tripId', 'UnixTimeMillis', 'LatitudeDegrees', 'LongitudeDegrees']) ansCol(ans, c);
      for (const c of ['tripId', 'UnixTimeMillis', 'LatitudeDegrees', 'LongitudeDegrees']) subCol(sub, c);
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      const group = (t: Table) => {
        const col = t.get('tripId')!;
        const m = new Map<number | string, number[]>();
        for (let i = 0; i < t.rowCount; i++) {
          const k = col.key(i);
          const l = m.get(k);
          if (l) l.push(i);
          else m.set(k, [i]);
        }
        return m;
      };
      const ansTrips = group(ans),
        subTrips = group(sub);
      const aLat = numericAns(ans.get('LatitudeDegrees')!),
        aLng = numericAns(ans.get('LongitudeDegrees')!);
      const sLat = numbersForNumpy(sub.get('LatitudeDegrees')!),
        sLng = numbersForNumpy(sub.get('LongitudeDegrees')!);
      const tripScores: number[] = [];
      // Trips in order of first appearance in the answers (Series.unique); rows in file order, paired by position.
      for (const [trip, aRows] of ansTrips) {
        const sRows = subTrips.get(trip) ?? [];
        if (sRows.length !== aRows.length)
          throw new InvalidSubmission(
            `submission and answers must have the same number of rows for each tripId: got ${sRows.length} rows in the submission and ${aRows.length} in the answers for tripId ${show(ans.get('tripId')!.text(aRows[0]!))}`,
          );
        const d = new Float64Array(aRows.length);
        for (let j = 0; j < d.length; j++)
          d[j] = haversine(sLat[sRows[j]!]!, sLng[sRows[j]!]!, aLat[aRows[j]!]!, aLng[aRows[j]!]!);
        tripScores.push(npMean(Float64Array.of(npQuantile(d, 0.5), npQuantile(d, 0.95))));
      }
      return npMean(Float64Array.from(tripScores));
    },
  },
  {
    id: 'hms-harmful-brain-activity-classification',
    metric: 'KL divergence (row mean, predictions clipped to [1e-15, 1 − 1e-15])',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      const ID = 'eeg_id';
      const TARGETS = ['seizure_vote', 'lpd_vote', 'gpd_vote', 'lrda_vote', 'grda_vote', 'other_vote'];
      subCol(sub, ID);
      const missing = TARGETS.filter((c) => !sub.has(c));
      if (missing.length)
        throw new InvalidSubmission(
          `submission must contain every target column; missing ${missing.map((c) => `"${c}"`).join(', ')}`,
        );
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      const subVals = TARGETS.map((c) => {
        const r = sub.get(c)!.toNumeric();
        if (!r.ok)
          throw new MetricError(`submission "${c}" is not numeric (row ${rowNo(r.row)}: ${show(r.value)})`);
        return r.values;
      });
      for (let i = 0; i < sub.rowCount; i++) {
        let s = 0;
        for (const v of subVals) if (v[i] === v[i]) s += v[i]!;
        if (pyRound(s, 5) !== 1)
          throw new InvalidSubmission(
            `submission probabilities must add to 1 for each row: row ${rowNo(i)} sums to ${s}`,
          );
      }
      requireSameIdSet(sub, ans, ID, ID, '"eeg_id" values');
      for (const c of [ID, ...TARGETS]) ansCol(ans, c);
      const { ansRows, subRows } = alignById(sub, ans, ID);
      // Kaggle's verify_valid_probabilities runs on every submission column except the id.
      const others = sub.columns.filter((c) => c !== ID);
      const all = others.map((c) => {
        const col = sub.get(c)!;
        if (col.kind === 'object') throw new MetricError('All target values in submission must be numeric');
        return col.numbers();
      });
      let min = Infinity,
        max = -Infinity;
      for (const v of all)
        for (const x of v) {
          if (x < min) min = x;
          if (x > max) max = x;
        }
      if (min < 0) throw new MetricError('All target values in submission must be at least zero');
      if (max > 1) throw new MetricError('All target values in submission must be no greater than one');
      for (let i = 0; i < sub.rowCount; i++) {
        let s = 0;
        for (const v of all) if (v[i] === v[i]) s += v[i]!;
        if (!isClose(s, 1))
          throw new MetricError('Target values in submission do not add to one within all rows');
      }
      const votes = TARGETS.map((c) => numericAns(ans.get(c)!));
      const eps = 1e-15;
      const rowSums = new Float64Array(ansRows.length);
      const row = new Float64Array(TARGETS.length);
      for (let j = 0; j < ansRows.length; j++) {
        const r = ansRows[j]!;
        let total = 0;
        for (const v of votes) total += v[r]!; // answers' votes normalised per row
        for (let c = 0; c < TARGETS.length; c++) {
          const y = votes[c]![r]! / total;
          const p = Math.min(Math.max(subVals[c]![subRows[j]!]!, eps), 1 - eps);
          row[c] = y !== 0 ? y * Math.log(y / p) : 0;
        }
        rowSums[j] = sequentialSum(row);
      }
      return npMean(rowSums);
    },
  },
  {
    id: 'kuzushiji-recognition',
    metric: 'F1 of predicted character centres inside true boxes with the same label',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, but expected ${ans.rowCount}`);
      if (!sub.has('image_id') || !sub.has('labels'))
        throw new InvalidSubmission(
          `submission must have the columns "image_id" and "labels" (has: ${sub.columns.map((c) => `"${c}"`).join(', ')})`,
        );
      const { ansRows, subRows } = alignById(sub, ans, 'image_id', undefined, 'any');
      const pred = sub.get('labels')!;
      const truth = ansCol(ans, 'labels');
      for (let i = 0; i < sub.rowCount; i++) {
        if (pred.isNA(i)) continue;
        if (pred.kind !== 'object')
          throw new MetricError(
            `submission "labels" was read as numbers (row ${rowNo(i)}: ${show(pred.text(i))}); the grader splits text`,
          );
        const parts = pred.text(i).split(' ');
        if (parts.length % 3 !== 0)
          throw new InvalidSubmission(
            `malformed prediction string on row ${rowNo(i)}: ${show(pred.text(i))} (expected "label x y" triples)`,
          );
        for (let k = 0; k < parts.length; k++) {
          if (k % 3 !== 0 && pyFloat(parts[k]!) === null)
            throw new MetricError(`row ${rowNo(i)}: could not convert ${show(parts[k])} to float`);
        }
      }
      let tp = 0,
        fp = 0,
        fn = 0;
      for (let j = 0; j < ansRows.length; j++) {
        const r = scorePage(
          pred.isNA(subRows[j]!) ? null : pred.text(subRows[j]!),
          truth.isNA(ansRows[j]!) ? null : truth.text(ansRows[j]!),
        );
        tp += r.tp;
        fp += r.fp;
        fn += r.fn;
      }
      if (tp + fp === 0 || tp + fn === 0) return 0;
      const precision = tp / (tp + fp),
        recall = tp / (tp + fn);
      return precision > 0 && recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    },
  },
  {
    id: 'jigsaw-unintended-bias-in-toxicity-classification',
    metric:
      'bias-weighted AUC: 0.25·overall + 0.25·M₋₅(subgroup, BPSN, BNSP AUCs), scores thresholded at 0.5',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      subCol(sub, 'id');
      const predName = sub.has('prediction') ? 'prediction' : sub.has('toxicity') ? 'toxicity' : null;
      if (!predName) throw new InvalidSubmission('submission must have a "prediction" column');
      ansCol(ans, 'id');
      const tox = numericAns(ansCol(ans, 'toxicity'));
      if (sub.rowCount !== ans.rowCount)
        throw new MetricError(
          `the submission's and the answers' ids cannot be compared: ${sub.rowCount} vs ${ans.rowCount} rows`,
        );
      const { ansRows, subRows } = alignById(sub, ans, 'id', undefined, 'any');
      const identities = [
        'male',
        'female',
        'homosexual_gay_or_lesbian',
        'christian',
        'jewish',
        'muslim',
        'black',
        'white',
        'psychiatric_or_mental_illness',
      ];
      for (const c of identities) ansCol(ans, c);
      const pc = sub.get(predName)!;
      if (pc.kind === 'object') {
        const r = pc.toNumeric();
        if (!r.ok)
          throw new MetricError(
            `"${predName}" on row ${rowNo(r.row)} is ${show(r.value)}; comparing it with 0.5 fails`,
          );
      }
      const pv = pc.numbers();
      // x >= 0.5 → 1 else 0 (NaN → 0) on the submission, the labels and the identities.
      const bin = (x: number) => (x >= 0.5 ? 1 : 0);
      const yTrue = Uint8Array.from(ansRows, (r) => bin(tox[r]!));
      const yPred = Float64Array.from(subRows, (r) => bin(pv[r]!));
      const overall = rocAuc(yTrue, yPred);
      const idVals = identities.map((c) => Uint8Array.from(ansRows, (r) => bin(numericAns(ans.get(c)!)[r]!)));
      const subset = (keep: (j: number) => boolean) => {
        const idx: number[] = [];
        for (let j = 0; j < yTrue.length; j++) if (keep(j)) idx.push(j);
        return rocAuc(
          Uint8Array.from(idx, (j) => yTrue[j]!),
          Float64Array.from(idx, (j) => yPred[j]!),
        );
      };
      const bias = idVals.map((g) => [
        subset((j) => g[j] === 1),
        subset((j) => (yTrue[j] === 0 && g[j] === 1) || (yTrue[j] === 1 && g[j] !== 1)),
        subset((j) => (yTrue[j] === 1 && g[j] === 1) || (yTrue[j] === 0 && g[j] !== 1)),
      ]);
      const p = -5;
      const means = [0, 1, 2].map((k) => {
        let s = 0;
        for (const b of bias) {
          if (b[k] === 0) throw new MetricError('an identity AUC is 0, and 0.0 ** -5 divides by zero');
          s += b[k]! ** p;
        }
        return (s / identities.length) ** (1 / p);
      });
      const w = 0.25;
      return w * overall + (w * means[0]! + w * means[1]! + w * means[2]!);
    },
  },
];

/** Python `float(token)` acceptance. */
function pyFloat(t: string): number | null {
  const s = t.trim();
  if (
    /^[+-]?(?:\d+(?:_\d+)*\.?(?:\d+(?:_\d+)*)?(?:[eE][+-]?\d+(?:_\d+)*)?|\.\d+(?:_\d+)*(?:[eE][+-]?\d+(?:_\d+)*)?)$/.test(
      s,
    )
  )
    return Number(s.replace(/_/g, ''));
  const m = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (m) return m[2]!.toLowerCase() === 'nan' ? NaN : m[1] === '-' ? -Infinity : Infinity;
  return null;
}

/** kuzushiji_metric.score_page: a prediction is a TP if its point is strictly inside an unused true box of its label. */
function scorePage(preds: string | null, truth: string | null): { tp: number; fp: number; fn: number } {
  if (truth === null && preds === null) return { tp: 0, fp: 0, fn: 0 };
  if (truth === null) return { tp: 0, fp: Math.floor(preds!.split(' ').length / 3), fn: 0 };
  if (preds === null) return { tp: 0, fp: 0, fn: Math.floor(truth.split(' ').length / 5) };
  const t = truth.split(' ');
  if (t.length % 5 !== 0) throw new AnswersError('malformed solution string in the answers');
  const p = preds.split(' ');
  const n = p.length / 3;
  const label = Array.from({ length: n }, (_, i) => p[3 * i]!);
  const x = Float64Array.from({ length: n }, (_, i) => pyFloat(p[3 * i + 1]!)!);
  const y = Float64Array.from({ length: n }, (_, i) => pyFloat(p[3 * i + 2]!)!);
  const unused = new Uint8Array(n).fill(1);
  let tp = 0,
    fn = 0;
  for (let b = 0; b < t.length / 5; b++) {
    const l = t[5 * b]!;
    const xmin = Number(t[5 * b + 1]),
      ymin = Number(t[5 * b + 2]);
    const xmax = xmin + Number(t[5 * b + 3]),
      ymax = ymin + Number(t[5 * b + 4]);
    let hit = -1;
    for (let i = 0; i < n; i++) {
      if (unused[i] && label[i] === l && xmin < x[i]! && xmax > x[i]! && ymin < y[i]! && ymax > y[i]!) {
        hit = i;
        break;
      }
    }
    if (hit < 0) fn++;
    else {
      tp++;
      unused[hit] = 0;
    }
  }
  let fp = 0;
  for (let i = 0; i < n; i++) fp += unused[i]!;
  return { tp, fp, fn };
}

/** Great-circle distance (m) with MLE-bench's notebook formula (R = 6,371 km). */
function haversine(lat1d: number, lng1d: number, lat2d: number, lng2d: number): number {
  const rad = Math.PI / 180;
  const lat1 = lat1d * rad,
    lat2 = lat2d * rad,
    lng1 = lng1d * rad,
    lng2 = lng2d * rad;
  const dlat = lat2 - lat1,
    dlng = lng2 - lng1;
  const s1 = Math.sin(dlat / 2),
    s2 = Math.sin(dlng / 2);
  const h = s1 ** 2 + Math.cos(lat1) * Math.cos(lat2) * s2 ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

/** to_numpy() of a column numpy can do arithmetic on (object columns make numpy raise). */
function numbersForNumpy(col: Column): Float64Array {
  if (col.kind === 'object')
    throw new MetricError(`submission "${col.name}" is not numeric, so the distance cannot be computed`);
  return col.numbers();
}
