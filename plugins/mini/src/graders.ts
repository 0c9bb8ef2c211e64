import { InvalidSubmission, MetricError, readCsv, type Table } from '@aira/grading';
import { accuracy, logLoss, numbersAt, pairById, rmse, rocAuc } from './metrics.js';
import type { MiniId } from './paths.js';

/**
 * The mini suite's graders. The mini ids are not MLE-bench competitions, so @aira/grading has no
 * grader under them; each is bound here by metric, with the checks MLE-bench's graders of the same
 * shape make (docs/mlebench-grading.md §Metrics): ids matched after sorting, equal row counts, prediction
 * columns present and in range. Answers are the labelled rows' id + label columns
 * (private/test.csv, and HCE's hidden parts). A bad submission throws InvalidSubmission or
 * MetricError; the caller scores it None.
 */

/** The six fortune collections, in the sample submission's column order (mini-fortunes/prepare.py). */
export const FORTUNE_CATEGORIES = [
  'computers',
  'definitions',
  'men-women',
  'politics',
  'science',
  'songs-poems',
] as const;

export interface MiniGrader {
  metric: 'accuracy' | 'multi-class log loss' | 'ROC AUC' | 'RMSE';
  lowerIsBetter: boolean;
  /** The label column of the answers (and of train.csv). */
  label: string;
  /** The prediction columns a submission must have besides "id". */
  predictionColumns: readonly string[];
  score(submission: Table, answers: Table): number;
}

const ID = 'id';

function column(t: Table, name: string, side: 'submission' | 'answers') {
  const c = t.get(name);
  if (c) return c;
  if (side === 'submission')
    throw new InvalidSubmission(
      `submission is missing the "${name}" column (has: ${t.columns.join(', ') || 'none'})`,
    );
  throw new MetricError(`${t.source}: answers lack the "${name}" column`);
}

/** Accuracy on the label column, as MLE-bench's accuracy graders (e.g. tabular-playground-series-dec-2021). */
function accuracyGrader(label: string): MiniGrader {
  return {
    metric: 'accuracy',
    lowerIsBetter: false,
    label,
    predictionColumns: [label],
    score(sub, ans) {
      const pred = column(sub, label, 'submission');
      const p = pairById(sub, ans, ID);
      return accuracy(column(ans, label, 'answers'), p.ans, pred, p.sub);
    },
  };
}

/** ROC AUC of one probability column, required numeric and in [0, 1] (MLE-bench's shared AUC helper, §4). */
function aucGrader(label: string): MiniGrader {
  return {
    metric: 'ROC AUC',
    lowerIsBetter: false,
    label,
    predictionColumns: [label],
    score(sub, ans) {
      const pred = column(sub, label, 'submission');
      const p = pairById(sub, ans, ID);
      const scores = numbersAt(pred, p.sub, 'submission');
      scores.forEach((v, k) => {
        if (v < 0 || v > 1)
          throw new InvalidSubmission(
            `submission "${label}" must lie in [0, 1]; row ${p.sub[k]! + 1} holds ${v}`,
          );
      });
      const y = numbersAt(column(ans, label, 'answers'), p.ans, 'answers');
      return rocAuc(
        Uint8Array.from(y, (v) => (v === 1 ? 1 : 0)),
        scores,
      );
    },
  };
}

/** RMSE of one numeric column (the metric of new-york-city-taxi-fare-prediction, with id matching). */
function rmseGrader(label: string): MiniGrader {
  return {
    metric: 'RMSE',
    lowerIsBetter: true,
    label,
    predictionColumns: [label],
    score(sub, ans) {
      const pred = column(sub, label, 'submission');
      const p = pairById(sub, ans, ID);
      return rmse(
        numbersAt(column(ans, label, 'answers'), p.ans, 'answers'),
        numbersAt(pred, p.sub, 'submission'),
      );
    },
  };
}

/**
 * Multi-class log loss as MLE-bench grades spooky-author-identification (§4 "Log loss"): exactly
 * the id and class columns, every value in [0, 1], every row summing to 1 (numpy isclose, atol
 * 1e-6), answers one-hot from the label column; then scikit-learn's log_loss.
 */
function logLossGrader(label: string, classes: readonly string[]): MiniGrader {
  return {
    metric: 'multi-class log loss',
    lowerIsBetter: true,
    label,
    predictionColumns: classes,
    score(sub, ans) {
      const cols = classes.map((c) => column(sub, c, 'submission'));
      const extra = sub.columns.filter((c) => c !== ID && !classes.includes(c));
      if (extra.length)
        throw new InvalidSubmission(
          `submission has unexpected column(s) ${extra.map((c) => `"${c}"`).join(', ')} (expected "${ID}" and ${classes.length} class columns)`,
        );
      const p = pairById(sub, ans, ID);
      const k = classes.length;
      const probs = new Float64Array(p.sub.length * k);
      cols.forEach((col, c) => numbersAt(col, p.sub, 'submission').forEach((v, r) => (probs[r * k + c] = v)));
      for (let r = 0; r < p.sub.length; r++) {
        let sum = 0;
        for (let c = 0; c < k; c++) {
          const v = probs[r * k + c]!;
          if (v < 0 || v > 1)
            throw new InvalidSubmission(
              `submission "${classes[c]}" must lie in [0, 1]; row ${p.sub[r]! + 1} holds ${v}`,
            );
          sum += v;
        }
        // numpy isclose(sum, 1, atol=1e-6): |sum − 1| ≤ atol + rtol·1 with rtol = 1e-5.
        if (!(Math.abs(sum - 1) <= 1e-6 + 1e-5))
          throw new InvalidSubmission(
            `submission probabilities on row ${p.sub[r]! + 1} sum to ${sum}, not 1`,
          );
      }
      const truth = column(ans, label, 'answers');
      const trueClass = Int32Array.from(p.ans, (row) => {
        const c = classes.indexOf(truth.text(row));
        if (c < 0)
          throw new MetricError(
            `${ans.source}: answer ${JSON.stringify(truth.text(row))} on row ${row + 1} is not one of ${classes.join(', ')}`,
          );
        return c;
      });
      return logLoss(trueClass, probs, k);
    },
  };
}

export const MINI_GRADERS: Record<MiniId, MiniGrader> = {
  'mini-fashion-mnist': accuracyGrader('label'),
  'mini-fortunes': logLossGrader('category', FORTUNE_CATEGORIES),
  'mini-breast-cancer': aucGrader('malignant'),
  'mini-diabetes': rmseGrader('progression'),
  'mini-letter': accuracyGrader('letter'),
  'mini-satellite': accuracyGrader('landcover'),
};

/** Grades a submission CSV against an answers CSV (unrounded; the competitions package rounds to 5 d.p.). */
export function gradeMini(id: MiniId, submissionPath: string, answersPath: string): number {
  return MINI_GRADERS[id].score(readCsv(submissionPath), readCsv(answersPath));
}
