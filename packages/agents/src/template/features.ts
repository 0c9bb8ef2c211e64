import type { DataLayout } from './layout.js';
import { Imports, py, pyFloat } from './python.js';
import type { Choices } from './space.js';

/**
 * The Python that turns a table into model inputs and builds the pipeline, per modality. Each
 * defines `feature_columns(train, inputs)` (the groups of columns the model reads) and
 * `make_model(*groups)` (the pipeline, fitted once on the holdout split and once on every row).
 */
export function featureCode(layout: DataLayout, c: Choices, model: string, imp: Imports): string {
  if (layout.modality === 'text') return textCode(c, model, imp);
  if (layout.modality === 'image') return imageCode(c, model, imp);
  return tabularCode(layout, c, model, imp);
}

function tabularCode(layout: DataLayout, c: Choices, model: string, imp: Imports): string {
  imp
    .from('sklearn.compose', 'ColumnTransformer')
    .from('sklearn.impute', 'SimpleImputer')
    .from('sklearn.pipeline', 'make_pipeline');
  const numericSteps = [`SimpleImputer(strategy=${py(c.impute)})`];
  if (c.scale === 'standard') {
    numericSteps.push('StandardScaler()');
    imp.from('sklearn.preprocessing', 'StandardScaler');
  }
  if (c.scale === 'robust') {
    numericSteps.push('RobustScaler()');
    imp.from('sklearn.preprocessing', 'RobustScaler');
  }
  if (c.scale === 'quantile') {
    numericSteps.push('QuantileTransformer(n_quantiles=100, output_distribution="normal", random_state=0)');
    imp.from('sklearn.preprocessing', 'QuantileTransformer');
  }
  const encoder =
    c.categorical === 'ordinal'
      ? 'OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)'
      : 'OneHotEncoder(handle_unknown="ignore")';
  imp.from('sklearn.preprocessing', c.categorical === 'ordinal' ? 'OrdinalEncoder' : 'OneHotEncoder');
  const steps = ['prepare'];
  if (c.interactions) {
    imp.from('sklearn.preprocessing', 'PolynomialFeatures');
    steps.push('PolynomialFeatures(degree=2, interaction_only=True, include_bias=False)');
  }
  if (c.select !== 'all') {
    const score = layout.task === 'classification' ? 'f_classif' : 'f_regression';
    imp.from('sklearn.feature_selection', 'SelectKBest', score);
    // Never more than the table's columns (one-hot encoding and interactions only add columns).
    steps.push(`SelectKBest(${score}, k=min(${py(c.select)}, len(numeric) + len(categorical)))`);
  }
  if (c.pca !== null && c.pca !== undefined) {
    imp.from('sklearn.decomposition', 'PCA');
    steps.push(`PCA(n_components=${pyFloat(c.pca)}, svd_solver="full", random_state=0)`);
  }
  steps.push(model);
  return `def feature_columns(train, inputs):
    """Numeric and categorical columns every table has, besides ids and the label (free text is left out)."""
    columns = [c for c in train.columns if c not in ID_COLUMNS and c != LABEL and all(c in f.columns for f in inputs)]
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(train[c])]
    categorical = [c for c in columns if c not in numeric and train[c].nunique() <= 100]
    return numeric, categorical


def make_model(numeric, categorical):
    numeric_steps = make_pipeline(${numericSteps.join(', ')})
    categorical_steps = make_pipeline(SimpleImputer(strategy="most_frequent"), ${encoder})
    # Dense output: some models (histogram boosting, naive Bayes) do not take sparse matrices.
    prepare = ColumnTransformer([("numeric", numeric_steps, numeric), ("categorical", categorical_steps, categorical)], sparse_threshold=0)
    return make_pipeline(${steps.join(', ')})
`;
}

function textCode(c: Choices, model: string, imp: Imports): string {
  imp.from('sklearn.pipeline', 'make_pipeline').from('sklearn.preprocessing', 'FunctionTransformer');
  const vec = c.vectorizer === 'counts' ? 'CountVectorizer' : 'TfidfVectorizer';
  imp.from('sklearn.feature_extraction.text', vec);
  const a = [
    `analyzer=${py(c.analyzer)}`,
    `ngram_range=(1, ${py(c.ngram_max)})`,
    `min_df=${py(c.min_df)}`,
    `max_df=${pyFloat(c.max_df)}`,
    `max_features=${py(c.max_features)}`,
    `lowercase=${py(c.lowercase)}`,
  ];
  if (c.vectorizer === 'tfidf') a.push(`sublinear_tf=${py(c.sublinear_tf)}`);
  return `def feature_columns(train, inputs):
    """The text columns (every non-numeric column besides ids and the label), read as one document per row."""
    columns = [c for c in train.columns if c not in ID_COLUMNS and c != LABEL and all(c in f.columns for f in inputs)]
    text = [c for c in columns if not pd.api.types.is_numeric_dtype(train[c])]
    if not text:
        sys.exit("no text column in " + TRAIN + ": this is not text data")
    return (text,)


def documents(frame, text):
    return frame[text].fillna("").astype(str).agg(" ".join, axis=1)


def make_model(text):
    vectorizer = ${vec}(${a.join(', ')})
    return make_pipeline(FunctionTransformer(documents, kw_args={"text": text}), vectorizer, ${model})
`;
}

function imageCode(c: Choices, model: string, imp: Imports): string {
  imp.from('sklearn.pipeline', 'make_pipeline').from('sklearn.preprocessing', 'MinMaxScaler');
  const steps = ['MinMaxScaler()'];
  if (c.pixels === 'standard') {
    steps.push('StandardScaler()');
    imp.from('sklearn.preprocessing', 'StandardScaler');
  }
  if (c.pca !== null) {
    imp.from('sklearn.decomposition', 'PCA');
    steps.push(`PCA(n_components=${py(c.pca)}, random_state=0)`);
  }
  steps.push(model);
  return `def feature_columns(train, inputs):
    """The pixel columns: every numeric column besides ids and the label (images given as arrays)."""
    columns = [c for c in train.columns if c not in ID_COLUMNS and c != LABEL and all(c in f.columns for f in inputs)]
    pixels = [c for c in columns if pd.api.types.is_numeric_dtype(train[c])]
    if not pixels:
        sys.exit("no pixel columns in " + TRAIN + ": images must be given as arrays of numbers")
    return (pixels,)


def make_model(pixels):
    # MinMaxScaler maps each pixel to [0, 1] (0-255 intensities in most image arrays).
    return make_pipeline(${steps.join(', ')})
`;
}
