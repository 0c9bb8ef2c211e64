import { featureCode } from './features.js';
import type { DataLayout, MetricName, PredictionKind } from './layout.js';
import { modelExpression, targetWrapper } from './models.js';
import { Imports, py, pyList } from './python.js';
import type { Choices, TemplateName } from './space.js';

/** The machine-readable line every script carries; mutations and crossovers read choices back from it. */
export const HEADER_PREFIX = '# aira-template: ';

export interface TemplateHeader {
  v: 1;
  template: TemplateName;
  choices: Choices;
  layout: DataLayout;
}

export interface RenderInput {
  template: TemplateName;
  choices: Choices;
  layout: DataLayout;
  /** Comment lines saying where this script came from (job, operator, parents, what changed). */
  origin: string[];
}

/** Share of the labelled rows each script keeps aside to score itself. */
export const HOLDOUT = 0.2;

/** Reads the header line of a template script; null when the code has none or it does not parse. */
export function parseHeader(code: string): TemplateHeader | null {
  const line = code.split('\n').find((l) => l.startsWith(HEADER_PREFIX));
  if (!line) return null;
  try {
    const doc = JSON.parse(line.slice(HEADER_PREFIX.length)) as Partial<TemplateHeader>;
    if (
      doc.v !== 1 ||
      typeof doc.template !== 'string' ||
      typeof doc.choices !== 'object' ||
      typeof doc.layout !== 'object'
    )
      return null;
    return doc as TemplateHeader;
  } catch {
    return null;
  }
}

function predictCode(kind: PredictionKind): string {
  switch (kind) {
    case 'value':
      return `def predict(model, X):
    """One number per row."""
    return model.predict(X)
`;
    case 'label':
      return `def predict(model, X):
    """One class per row."""
    return model.predict(X)
`;
    case 'probability':
      return `def predict(model, X):
    """The probability of the positive class (the larger of the two labels)."""
    proba = model.predict_proba(X)
    return proba[:, list(model.classes_).index(POSITIVE)]
`;
    case 'class-probabilities':
      return `def predict(model, X):
    """One probability per class, in the sample submission's column order."""
    proba = model.predict_proba(X)
    out = np.zeros((len(X), len(PREDICTION_COLUMNS)))
    for j, label in enumerate(model.classes_):
        if str(label) in PREDICTION_COLUMNS:
            out[:, PREDICTION_COLUMNS.index(str(label))] = proba[:, j]
    # Every class keeps a little probability: log loss punishes a confident miss without bound.
    out = np.clip(out, 1e-6, None)
    return out / out.sum(axis=1, keepdims=True)
`;
  }
}

/** `score(y_true, predicted)`: the metric on holdout predictions in the submission's own form. */
function scoreCode(metric: MetricName, kind: PredictionKind, imp: Imports): string {
  const m = 'sklearn.metrics';
  let body: string;
  const asLabels =
    kind === 'class-probabilities'
      ? 'np.array(PREDICTION_COLUMNS)[predicted.argmax(axis=1)]'
      : kind === 'probability'
        ? 'predicted >= 0.5'
        : 'predicted';
  const truth =
    kind === 'class-probabilities'
      ? 'y_true.astype(str)'
      : kind === 'probability'
        ? 'y_true == POSITIVE'
        : 'y_true';
  switch (metric) {
    case 'roc_auc':
      imp.from(m, 'roc_auc_score');
      body =
        kind === 'class-probabilities'
          ? 'roc_auc_score(y_true.astype(str), predicted, multi_class="ovr", labels=PREDICTION_COLUMNS)'
          : `roc_auc_score(y_true == POSITIVE, ${kind === 'probability' ? 'predicted' : 'predicted == POSITIVE'})`;
      break;
    case 'log_loss':
      imp.from(m, 'log_loss');
      body =
        kind === 'class-probabilities'
          ? 'log_loss(y_true.astype(str), predicted, labels=PREDICTION_COLUMNS)'
          : `log_loss(y_true == POSITIVE, ${kind === 'probability' ? 'predicted' : '(predicted == POSITIVE).astype(float)'}, labels=[False, True])`;
      break;
    case 'accuracy':
      imp.from(m, 'accuracy_score');
      body = `accuracy_score(${truth}, ${asLabels})`;
      break;
    case 'f1':
      imp.from(m, 'f1_score');
      body = `f1_score(${truth}, ${asLabels}, average="binary" if y_true.nunique() == 2 else "macro"${kind === 'label' ? ', pos_label=POSITIVE' : ''})`;
      break;
    case 'qwk':
      imp.from(m, 'cohen_kappa_score');
      body = `cohen_kappa_score(${truth}, ${asLabels}, weights="quadratic")`;
      break;
    case 'rmse':
      imp.from(m, 'mean_squared_error');
      body = 'np.sqrt(mean_squared_error(y_true, predicted))';
      break;
    case 'mse':
      imp.from(m, 'mean_squared_error');
      body = 'mean_squared_error(y_true, predicted)';
      break;
    case 'mae':
      imp.from(m, 'mean_absolute_error');
      body = 'mean_absolute_error(y_true, predicted)';
      break;
    case 'rmsle':
      imp.from(m, 'mean_squared_log_error');
      body = 'np.sqrt(mean_squared_log_error(y_true, np.clip(predicted, 0, None)))';
      break;
    case 'r2':
      imp.from(m, 'r2_score');
      body = 'r2_score(y_true, predicted)';
      break;
  }
  return `def score(y_true, predicted):
    """${metric} of the holdout predictions."""
    return float(${body})
`;
}

function describe(choices: Choices): string[] {
  const entries = Object.entries(choices).map(([k, v]) => `${k} = ${py(v)}`);
  const lines: string[] = [];
  let line = '#  ';
  for (const e of entries) {
    if (line.length + e.length > 98) {
      lines.push(line.trimEnd().replace(/,$/, ''));
      line = '#  ';
    }
    line += ` ${e},`;
  }
  lines.push(line.replace(/,$/, ''));
  return lines;
}

/** A complete, runnable solution script for one set of choices. */
export function renderScript(input: RenderInput): string {
  const { layout, choices, template } = input;
  const imp = new Imports()
    .import('os')
    .import('sys')
    .import('warnings')
    .import('numpy as np')
    .import('pandas as pd');
  imp.from('sklearn.model_selection', 'train_test_split').from('sklearn.exceptions', 'ConvergenceWarning');
  let model = modelExpression(choices, layout.task, layout.prediction.kind, imp);
  if (layout.task === 'regression') model = targetWrapper(choices, model, imp);
  const features = featureCode(layout, choices, model, imp);
  const predict = predictCode(layout.prediction.kind);
  const score = scoreCode(layout.metric, layout.prediction.kind, imp);
  const header: TemplateHeader = { v: 1, template, choices, layout };
  const classification = layout.task === 'classification';
  const splits = layout.splits
    .map((s) => `    ${JSON.stringify(s.split)}: (${JSON.stringify(s.input)}, ${JSON.stringify(s.output)}),`)
    .join('\n');
  const assign =
    layout.prediction.kind === 'class-probabilities'
      ? 'out = pd.concat([out, pd.DataFrame(predicted, columns=PREDICTION_COLUMNS, index=frame.index)], axis=1)'
      : 'out[PREDICTION_COLUMNS[0]] = predicted';

  return `#!/usr/bin/env python3
# Written by aira's template agent: LLM-free, from the ${template} template (scikit-learn, no language model).
${input.origin.map((l) => `# ${l}`).join('\n')}
#
# Run it by hand from the session's work folder:  python3 solution.py
# It fits on the labelled table, prints its ${layout.metric} on a ${HOLDOUT * 100}% holdout of it as "score: <number>",
# and writes one prediction file per split into the submission folder.
#
# Choices:
${describe(choices).join('\n')}
${HEADER_PREFIX}${JSON.stringify(header)}
${imp.render()}

warnings.filterwarnings("ignore", category=ConvergenceWarning)

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("AIRA_DATA_DIR") or os.path.join(HERE, "..", "data")
SUBMISSION = os.environ.get("AIRA_SUBMISSION_DIR") or os.path.join(HERE, "..", "submission")

TRAIN = ${JSON.stringify(layout.train)}
ID_COLUMNS = ${pyList(layout.ids)}
LABEL = ${JSON.stringify(layout.label)}
# split: (input table in the data folder, prediction file in the submission folder)
SPLITS = {
${splits}
}
PREDICTION_COLUMNS = ${pyList(layout.prediction.columns)}
METRIC = ${JSON.stringify(layout.metric)}
HOLDOUT = ${HOLDOUT}
REFIT = ${py(choices.refit ?? true)}  # refit on every labelled row once the holdout is scored
${classification ? 'POSITIVE = None  # the positive class: the larger label, set in main()\n' : ''}

${features}

${predict}

${score}

def main():
${classification ? '    global POSITIVE\n' : ''}    train = pd.read_csv(os.path.join(DATA, TRAIN))
    inputs = {split: pd.read_csv(os.path.join(DATA, source)) for split, (source, _) in SPLITS.items()}
    groups = feature_columns(train, list(inputs.values()))
    columns = [c for group in groups for c in group]
    X, y = train[columns], train[LABEL]
${classification ? '    POSITIVE = sorted(y.unique())[-1]\n' : ''}
    # The same holdout rows for every candidate (random_state=0), so their scores compare.
    stratify = ${classification ? 'y if y.value_counts().min() >= 2 else None' : 'None'}
    X_fit, X_hold, y_fit, y_hold = train_test_split(X, y, test_size=HOLDOUT, random_state=0, stratify=stratify)
    model = make_model(*groups)
    model.fit(X_fit, y_fit)
    holdout = score(y_hold, predict(model, X_hold))
    print(f"holdout {METRIC} on {len(y_hold)} of {len(y)} labelled rows: {holdout:.6f}")
    if REFIT:
        model = make_model(*groups)
        model.fit(X, y)

    os.makedirs(SUBMISSION, exist_ok=True)
    for split, (source, target) in SPLITS.items():
        frame = inputs[split]
        predicted = predict(model, frame[columns])
        out = frame[ID_COLUMNS].copy()
        ${assign}
        out.to_csv(os.path.join(SUBMISSION, target), index=False)
        print(f"wrote {target}: {len(out)} rows for {source}")
    print(f"score: {holdout:.6f}")


if __name__ == "__main__":
    main()
`;
}
