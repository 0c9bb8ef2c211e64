import { alignById, ansCol, gather, numericAns, requireSameIdSet, sortOrder, subCol } from '../align.js';
import type { Column } from '../csv/table.js';
import { AnswersError, InvalidSubmission, MetricError, rowNo, show } from '../errors.js';
import { mae, pearson, rmse, rmsle } from '../metrics/regression.js';
import { npMean } from '../npmath.js';
import { csvAnswers, type Grader } from './types.js';

/** A column's numbers for scikit-learn (object columns fail its float conversion → None). */
function metricNumbers(col: Column, side: string): Float64Array {
  const r = col.toNumeric();
  if (!r.ok)
    throw new MetricError(
      `${side} "${col.name}" is not numeric: row ${rowNo(r.row)} holds ${show(r.value)} (scikit-learn cannot convert it to float)`,
    );
  return r.values;
}

export const regressionGraders: Grader[] = [
  {
    id: 'new-york-city-taxi-fare-prediction',
    metric: 'RMSE (rows paired by sorted key, no id check)',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      ansCol(ans, 'fare_amount');
      ansCol(ans, 'key');
      const pred = subCol(sub, 'fare_amount');
      const key = subCol(sub, 'key');
      // Both sides are sorted by key and compared by position; MLE-bench checks neither the ids
      // nor the length itself (a length mismatch fails inside scikit-learn).
      const yTrue = gather(metricNumbers(ans.get('fare_amount')!, 'answers'), sortOrder(ans.get('key')!));
      const yPred = gather(metricNumbers(pred, 'submission'), sortOrder(key));
      return rmse(yTrue, yPred);
    },
  },
  {
    id: 'petfinder-pawpularity-score',
    metric: 'RMSE (predictions within [1, 100])',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      ansCol(ans, 'Id');
      const truth = numericAns(ansCol(ans, 'Pawpularity'));
      subCol(sub, 'Id');
      const pc = subCol(sub, 'Pawpularity');
      const r = pc.toNumeric();
      if (!r.ok)
        throw new MetricError(
          `submission "Pawpularity" is not numeric: row ${rowNo(r.row)} holds ${show(r.value)}`,
        );
      for (let i = 0; i < r.values.length; i++) {
        const x = r.values[i]!;
        if (!(x >= 1 && x <= 100))
          throw new InvalidSubmission(
            `"Pawpularity" must be within [1, 100]: row ${rowNo(i)} holds ${x === x ? x : 'nothing'}`,
          );
      }
      const { ansRows, subRows } = alignById(sub, ans, 'Id');
      return rmse(gather(truth, ansRows), gather(r.values, subRows));
    },
  },
  {
    id: 'denoising-dirty-documents',
    metric: 'RMSE over pixels',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      ansCol(ans, 'id');
      const truth = numericAns(ansCol(ans, 'value'));
      subCol(sub, 'id');
      const vc = subCol(sub, 'value');
      const r = vc.toNumeric();
      if (!r.ok)
        throw new InvalidSubmission(
          `submission must have float values in "value": row ${rowNo(r.row)} holds ${show(r.value)}`,
        );
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(
          `expected the submission to have ${ans.rowCount} rows, but got ${sub.rowCount}`,
        );
      const { ansRows, subRows } = alignById(sub, ans, 'id');
      // grade.py passes the submission as y_true and the answers as y_pred; RMSE is symmetric.
      return rmse(gather(r.values, subRows), gather(truth, ansRows));
    },
  },
  {
    id: 'nomad2018-predict-transparent-conductors',
    metric: 'mean of two column-wise RMSLEs (rows matched by position)',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      const cols = ['formation_energy_ev_natom', 'bandgap_energy_ev'];
      for (const c of cols) ansCol(ans, c);
      for (const c of cols) subCol(sub, c);
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`expected ${ans.rowCount} rows in submission, got ${sub.rowCount}`);
      // This grader does not sort by id: row i of the submission is scored against row i of the answers.
      const [f, b] = cols.map((c) =>
        rmsle(metricNumbers(ans.get(c)!, 'answers'), metricNumbers(sub.get(c)!, 'submission')),
      ) as [number, number];
      return (f + b) / 2;
    },
  },
  {
    id: 'stanford-covid-vaccine',
    metric: 'MCRMSE over reactivity, deg_Mg_pH10, deg_Mg_50C (scored positions)',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(
          `expected the submission to be the same length as the answers, but got ${sub.rowCount} instead of ${ans.rowCount}`,
        );
      const toPredict = ['reactivity', 'deg_Mg_pH10', 'deg_Mg_50C'];
      for (const c of ['id_seqpos', ...toPredict, 'keep']) ansCol(ans, c);
      const expected = ['id_seqpos', ...toPredict, 'deg_pH10', 'deg_50C'];
      const missing = expected.filter((c) => !sub.has(c));
      if (missing.length)
        throw new InvalidSubmission(
          `the submission must have the columns ${expected.map((c) => `"${c}"`).join(', ')}; missing ${missing.map((c) => `"${c}"`).join(', ')}`,
        );
      const subOrder = sortOrder(sub.get('id_seqpos')!);
      const ansOrder = sortOrder(ans.get('id_seqpos')!);
      const sid = sub.get('id_seqpos')!,
        aid = ans.get('id_seqpos')!;
      for (let i = 0; i < subOrder.length; i++) {
        if (sid.key(subOrder[i]!) !== aid.key(ansOrder[i]!))
          throw new InvalidSubmission(
            `expected the submission to have the same "id_seqpos" as the answers, but got ${show(sid.text(subOrder[i]!))} instead of ${show(aid.text(ansOrder[i]!))} on row ${i} of the sorted submission`,
          );
      }
      // grade.py indexes the sorted submission with the answers' boolean "keep" Series, which pandas
      // aligns by the original row labels: submission row p is kept iff answers row p has keep.
      const keepCol = ans.get('keep')!;
      if (keepCol.kind !== 'bool') throw new AnswersError(`${ans.source}: answers "keep" must be True/False`);
      const keep = keepCol.numbers();
      const subKept = Array.from(subOrder).filter((p) => keep[p] === 1);
      const ansKept = Array.from(ansOrder).filter((p) => keep[p] === 1);
      const errors = toPredict.map((c) => {
        const yPred = gather(metricNumbers(sub.get(c)!, 'submission'), subKept);
        const yTrue = gather(metricNumbers(ans.get(c)!, 'answers'), ansKept);
        return rmse(yTrue, yPred);
      });
      return npMean(Float64Array.from(errors));
    },
  },
  {
    id: 'ventilator-pressure-prediction',
    metric: 'MAE over the inspiratory phase (answers u_out == 0)',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      ansCol(ans, 'id');
      const truth = numericAns(ansCol(ans, 'pressure'));
      const uOut = numericAns(ansCol(ans, 'u_out'));
      subCol(sub, 'id');
      const pc = subCol(sub, 'pressure');
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      const { ansRows, subRows } = alignById(sub, ans, 'id');
      const pred = metricNumbers(pc, 'submission');
      const keep = Array.from(ansRows.keys()).filter((j) => uOut[ansRows[j]!] === 0);
      return mae(
        keep.map((j) => truth[ansRows[j]!]!),
        keep.map((j) => pred[subRows[j]!]!),
      );
    },
  },
  {
    id: 'champs-scalar-coupling',
    metric: 'mean over coupling types of ln(MAE of that type)',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      const target = 'scalar_coupling_constant';
      const truth = numericAns(ansCol(ans, target));
      ansCol(ans, 'id');
      const types = ansCol(ans, 'type');
      const pc = subCol(sub, target);
      const sid = subCol(sub, 'id');
      requireSameIdSet(sub, ans, 'id');
      // answers.merge(submission, on="id"): an inner join, so a repeated submission id counts twice.
      const byId = new Map<number | string, number[]>();
      for (let i = 0; i < sub.rowCount; i++) {
        const k = sid.key(i);
        const l = byId.get(k);
        if (l) l.push(i);
        else byId.set(k, [i]);
      }
      const pred = metricNumbers(pc, 'submission');
      const aid = ans.get('id')!;
      const groups = new Map<string, { t: number[]; p: number[] }>();
      for (let r = 0; r < ans.rowCount; r++) {
        const g = types.pyStr(r);
        let e = groups.get(g);
        if (!e) groups.set(g, (e = { t: [], p: [] }));
        for (const s of byId.get(aid.key(r)) ?? []) {
          e.t.push(truth[r]!);
          e.p.push(pred[s]!);
        }
      }
      const names = [...groups.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      const logs = names.map((g) => Math.log(mae(groups.get(g)!.t, groups.get(g)!.p)));
      return npMean(Float64Array.from(logs));
    },
  },
  {
    id: 'us-patent-phrase-to-phrase-matching',
    metric: 'Pearson correlation',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      const truth = numericAns(ansCol(ans, 'score'));
      ansCol(ans, 'id');
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(`submission has ${sub.rowCount} rows, answers have ${ans.rowCount}`);
      if (!sub.has('id') || !sub.has('score'))
        throw new InvalidSubmission(
          `submission must have the columns "id" and "score" (has: ${sub.columns.map((c) => `"${c}"`).join(', ')})`,
        );
      const { ansRows, subRows } = alignById(sub, ans, 'id');
      return pearson(gather(truth, ansRows), gather(metricNumbers(sub.get('score')!, 'submission'), subRows));
    },
  },
];
