import { alignById, ansCol, numericAns, requireSameIdSet, subCol } from '../align.js';
import type { Column } from '../csv/table.js';
import { AnswersError, InvalidSubmission, MetricError, rowNo, show } from '../errors.js';
import { normalisedHausdorff, type Volume } from '../metrics/hausdorff.js';
import { decodeRle, dice, unionMasks, type RunMask } from '../metrics/rle.js';
import { npMean, npNanMean } from '../npmath.js';
import { csvAnswers, type Grader } from './types.js';

/** RLE text after `.fillna("")`; a numeric column is not str, which rle_decode asserts. */
function rleText(col: Column, row: number, side: string): string {
  if (col.isNA(row)) return '';
  if (col.kind !== 'object')
    throw new MetricError(
      `${side} "${col.name}" must hold RLE strings, but row ${rowNo(row)} holds the number ${show(col.text(row))}`,
    );
  return col.text(row);
}

function dims(col: Column, row: number): number {
  const v = numericAns(col)[row]!;
  if (!Number.isInteger(v) || v <= 0)
    throw new AnswersError(
      `${col.table.source}: answers "${col.name}" on row ${rowNo(row)} is not a positive integer`,
    );
  return v;
}

export const segmentationGraders: Grader[] = [
  {
    id: 'hubmap-kidney-segmentation',
    metric: 'mean per-image Dice (both empty counts as 1)',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      subCol(sub, 'id');
      const pred = subCol(sub, 'predicted');
      ansCol(ans, 'id');
      const enc = ansCol(ans, 'encoding');
      const w = ansCol(ans, 'width_pixels');
      const h = ansCol(ans, 'height_pixels');
      if (sub.rowCount !== ans.rowCount)
        throw new InvalidSubmission(
          `submission has ${sub.rowCount} rows while the answers have ${ans.rowCount}`,
        );
      requireSameIdSet(sub, ans, 'id', 'id', '"id" values');
      const { ansRows, subRows } = alignById(sub, ans, 'id');
      const scores = new Float64Array(ansRows.length);
      const predMasks: RunMask[] = [];
      for (let j = 0; j < ansRows.length; j++) {
        const r = ansRows[j]!;
        predMasks.push(
          decodeRle(
            rleText(pred, subRows[j]!, 'submission'),
            dims(h, r),
            dims(w, r),
            `submission row ${rowNo(subRows[j]!)}`,
          ),
        );
      }
      for (let j = 0; j < ansRows.length; j++) {
        const r = ansRows[j]!;
        const truth = decodeRle(
          rleText(enc, r, 'answers'),
          dims(h, r),
          dims(w, r),
          `answers row ${rowNo(r)}`,
        );
        scores[j] = dice(predMasks[j]!, truth, 1.0);
      }
      return npMean(scores);
    },
  },
  {
    id: 'uw-madison-gi-tract-image-segmentation',
    metric: '0.4 × mean 2-D Dice + 0.6 × (1 − mean normalised 3-D Hausdorff)',
    answers: 'csv',
    grade(sub, a) {
      const ans = csvAnswers(a, this.id);
      const ah = ansCol(ans, 'image_height');
      const aw = ansCol(ans, 'image_width');
      if (!sub.has('id') || !sub.has('class') || !sub.has('predicted'))
        throw new InvalidSubmission(
          `submission must have the columns "id", "class", "predicted" (has: ${sub.columns.map((c) => `"${c}"`).join(', ')})`,
        );
      const ansPred = ansCol(ans, 'predicted');
      const ansId = ansCol(ans, 'id');
      const subPred = sub.get('predicted')!;
      const subId = sub.get('id')!;
      // Masks are decoded row by row with the answers' image sizes and paired BY POSITION: this
      // grader neither sorts nor matches ids for the Dice term (docs/mlebench-grading.md §Metrics).
      const nSub = Math.min(sub.rowCount, ans.rowCount);
      const subMasks: RunMask[] = [];
      for (let i = 0; i < nSub; i++)
        subMasks.push(
          decodeRle(
            rleText(subPred, i, 'submission'),
            dims(ah, i),
            dims(aw, i),
            `submission row ${rowNo(i)}`,
          ),
        );
      const ansMasks: RunMask[] = [];
      for (let i = 0; i < ans.rowCount; i++)
        ansMasks.push(
          decodeRle(rleText(ansPred, i, 'answers'), dims(ah, i), dims(aw, i), `answers row ${rowNo(i)}`),
        );
      const dices = new Float64Array(Math.min(subMasks.length, ansMasks.length));
      for (let i = 0; i < dices.length; i++) dices[i] = dice(subMasks[i]!, ansMasks[i]!, NaN);
      const diceCoeff = npNanMean(dices);
      const subDays = groupByDay(subMasks, subId, dims, ah, aw);
      const ansDays = groupByDay(ansMasks, ansId, dims, ah, aw);
      const n = Math.min(subDays.length, ansDays.length);
      const hd = new Float64Array(n);
      for (let i = 0; i < n; i++) hd[i] = normalisedHausdorff(subDays[i]!, ansDays[i]!);
      const hausdorff = npNanMean(hd);
      return 0.4 * diceCoeff + 0.6 * (1 - hausdorff);
    },
  },
];

/**
 * MLE-bench `group_masks_by_day`: sort (mask, "caseX_dayY_slice_NNNN") pairs by id, OR the masks
 * of one slice together, then stack a case-day's slices in that order into a volume.
 */
function groupByDay(masks: RunMask[], ids: Column, d: typeof dims, ah: Column, aw: Column): Volume[] {
  const items = masks.map((m, i) => ({ m, id: ids.pyStr(i), h: d(ah, i), w: d(aw, i) }));
  items.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const bySlice = new Map<string, typeof items>();
  const sliceOrder: string[] = [];
  for (const it of items) {
    let l = bySlice.get(it.id);
    if (!l) {
      bySlice.set(it.id, (l = []));
      sliceOrder.push(it.id);
    }
    l.push(it);
  }
  const days = new Map<string, Volume>();
  const dayOrder: string[] = [];
  for (const sliceId of sliceOrder) {
    const group = bySlice.get(sliceId)!;
    const day = sliceId.split('_slice_')[0]!;
    const joined = unionMasks(group.map((g) => g.m));
    const { h, w } = group[0]!;
    let vol = days.get(day);
    if (!vol) {
      days.set(day, (vol = { slices: [], height: h, width: w }));
      dayOrder.push(day);
    } else if (vol.height !== h || vol.width !== w)
      throw new MetricError(
        `cannot stack the slices of ${show(day)}: image sizes differ (${vol.height}×${vol.width} vs ${h}×${w})`,
      );
    vol.slices.push(joined);
  }
  return dayOrder.map((k) => days.get(k)!);
}
