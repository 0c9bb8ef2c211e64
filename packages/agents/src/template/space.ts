import type { Modality, TaskKind } from './layout.js';

/**
 * The choices a template makes: preprocessing, features, the model and its hyperparameters. A
 * space lists them in dependency order (a model before its own hyperparameters), so sampling,
 * mutation and crossover can fill in what becomes active as they go.
 */

export type Value = string | number | boolean | null;
export type Choices = Record<string, Value>;

export interface Param {
  key: string;
  values: readonly Value[];
  /** Values with an order (sizes, strengths): a mutation mostly steps to a neighbour. */
  ordered?: boolean;
  /** Relative draft weights, one per value (uniform when absent). */
  weights?: readonly number[];
  /** The param exists only when this holds (e.g. a model's own hyperparameters). */
  when?: (c: Choices) => boolean;
  /**
   * The values a draft draws from (all of them when absent): settings known to work for the
   * model, so a draft tries a model family fairly; mutations and crossovers then reach the rest.
   */
  draft?: readonly Value[];
}

export type TemplateName = `${Modality}-${TaskKind}`;

export interface Space {
  template: TemplateName;
  params: readonly Param[];
  /** A plain, safe solution: the first draft of every run, so a run has a valid candidate early. */
  baseline: Choices;
}

const model =
  (...names: string[]) =>
  (c: Choices) =>
    names.includes(c.model as string);

const C = [0.01, 0.1, 1, 10, 100];

/** Hyperparameters of every model the templates use, each prefixed by its model's name. */
function modelParams(models: readonly string[], task: TaskKind): Param[] {
  const all: Param[] = [
    { key: 'logreg.C', values: C, ordered: true, draft: [0.1, 1, 10], when: model('logreg') },
    { key: 'logreg.solver', values: ['lbfgs', 'liblinear', 'saga'], draft: ['lbfgs'], when: model('logreg') },
    // lbfgs supports only l2 (scikit-learn refuses l1 with it): the choice exists for the other solvers.
    {
      key: 'logreg.penalty',
      values: ['l2', 'l1'],
      weights: [2, 1],
      when: (c) => c.model === 'logreg' && c['logreg.solver'] !== 'lbfgs',
    },
    { key: 'logreg.class_weight', values: [null, 'balanced'], when: model('logreg') },
    { key: 'ridge.alpha', values: [0.01, 0.1, 1, 10, 100], ordered: true, when: model('ridge') },
    { key: 'lasso.alpha', values: [0.001, 0.01, 0.1, 1, 10], ordered: true, when: model('lasso') },
    { key: 'elastic_net.alpha', values: [0.001, 0.01, 0.1, 1], ordered: true, when: model('elastic_net') },
    {
      key: 'elastic_net.l1_ratio',
      values: [0.1, 0.3, 0.5, 0.7, 0.9],
      ordered: true,
      when: model('elastic_net'),
    },
    ...['random_forest', 'extra_trees'].flatMap((m): Param[] => [
      {
        key: `${m}.n_estimators`,
        values: [50, 100, 200, 300],
        ordered: true,
        draft: [100, 200],
        when: model(m),
      },
      { key: `${m}.max_depth`, values: [4, 8, 16, null], ordered: true, draft: [16, null], when: model(m) },
      {
        key: `${m}.min_samples_leaf`,
        values: [1, 2, 4, 8, 16],
        ordered: true,
        draft: [1, 2],
        when: model(m),
      },
      // null: every feature at each split.
      {
        key: `${m}.max_features`,
        values: ['sqrt', 0.33, 0.66, null],
        ordered: true,
        draft: ['sqrt', 0.33],
        when: model(m),
      },
      // Poisson needs a non-negative target, so it is offered only when the target is not standardized.
      ...(task === 'regression'
        ? [
            {
              key: `${m}.criterion`,
              values: ['squared_error', 'friedman_mse', 'poisson'],
              weights: [3, 1, 1],
              when: (c: Choices) => c.model === m && c.target !== 'standardize',
            },
          ]
        : []),
      ...(task === 'classification'
        ? [{ key: `${m}.class_weight`, values: [null, 'balanced'], when: model(m) }]
        : []),
    ]),
    {
      key: 'hist_gb.learning_rate',
      values: [0.02, 0.05, 0.1, 0.2, 0.3],
      ordered: true,
      draft: [0.1, 0.2],
      when: model('hist_gb'),
    },
    {
      key: 'hist_gb.max_iter',
      values: [50, 100, 200, 400],
      ordered: true,
      draft: [100, 200],
      when: model('hist_gb'),
    },
    {
      key: 'hist_gb.max_leaf_nodes',
      values: [7, 15, 31, 63],
      ordered: true,
      draft: [15, 31],
      when: model('hist_gb'),
    },
    { key: 'hist_gb.min_samples_leaf', values: [5, 10, 20, 40], ordered: true, when: model('hist_gb') },
    { key: 'hist_gb.l2_regularization', values: [0, 0.1, 1, 10], ordered: true, when: model('hist_gb') },
    // Stop when 10 rounds bring nothing on a 10% validation split: many-class tasks fit one tree per
    // class per round, so a fixed 400 rounds can take minutes where early stopping takes seconds.
    {
      key: 'hist_gb.early_stopping',
      values: [true, false],
      weights: [2, 1],
      draft: [true],
      when: model('hist_gb'),
    },
    ...(task === 'regression'
      ? [
          {
            key: 'hist_gb.loss',
            values: ['squared_error', 'absolute_error', 'poisson'],
            weights: [3, 1, 1],
            when: (c: Choices) => c.model === 'hist_gb' && c.target !== 'standardize',
          },
        ]
      : []),
    {
      key: 'knn.n_neighbors',
      values: [3, 5, 10, 20, 40],
      ordered: true,
      draft: [3, 5, 10],
      when: model('knn'),
    },
    { key: 'knn.weights', values: ['uniform', 'distance'], when: model('knn') },
    { key: 'knn.metric', values: ['minkowski', 'manhattan', 'cosine'], when: model('knn') },
    // Cosine distances exist only for brute force (scikit-learn refuses kd_tree or ball_tree with
    // them): with cosine the search is left to scikit-learn's "auto", which then picks brute force.
    {
      key: 'knn.algorithm',
      values: ['auto', 'brute', 'kd_tree', 'ball_tree'],
      when: (c) => c.model === 'knn' && c['knn.metric'] !== 'cosine',
    },
    { key: 'svm.C', values: [0.1, 1, 10, 100], ordered: true, draft: [10], when: model('svm') },
    { key: 'svm.gamma', values: ['scale', 0.001, 0.01, 0.1], draft: ['scale'], when: model('svm') },
    ...(task === 'regression'
      ? [{ key: 'svm.epsilon', values: [0.01, 0.1, 0.5, 1], ordered: true, when: model('svm') }]
      : []),
    {
      key: 'gaussian_nb.var_smoothing',
      values: [1e-9, 1e-6, 1e-3, 1e-1],
      ordered: true,
      when: model('gaussian_nb'),
    },
    {
      key: 'naive_bayes.kind',
      values: ['multinomial', 'complement'],
      draft: ['multinomial'],
      when: model('naive_bayes'),
    },
    {
      key: 'naive_bayes.alpha',
      values: [0.01, 0.03, 0.1, 0.3, 1],
      ordered: true,
      draft: [0.03, 0.1, 0.3],
      when: model('naive_bayes'),
    },
    {
      key: 'sgd.loss',
      values: task === 'regression' ? ['squared_error', 'huber'] : ['log_loss', 'modified_huber'],
      draft: task === 'regression' ? ['squared_error'] : ['log_loss'],
      when: model('sgd'),
    },
    {
      key: 'sgd.alpha',
      values: [1e-6, 1e-5, 1e-4, 1e-3],
      ordered: true,
      draft: [1e-5, 1e-4],
      when: model('sgd'),
    },
    { key: 'sgd.penalty', values: ['l2', 'elasticnet'], when: model('sgd') },
    { key: 'linear_svm.C', values: [0.03, 0.1, 0.3, 1, 3], ordered: true, when: model('linear_svm') },
    { key: 'mlp.hidden', values: ['64', '128', '256', '256-128'], ordered: true, when: model('mlp') },
    { key: 'mlp.alpha', values: [1e-5, 1e-4, 1e-3, 1e-2], ordered: true, when: model('mlp') },
    { key: 'mlp.learning_rate_init', values: [3e-4, 1e-3, 3e-3], ordered: true, when: model('mlp') },
    { key: 'mlp.max_iter', values: [20, 40, 80], ordered: true, draft: [40, 80], when: model('mlp') },
    { key: 'mlp.early_stopping', values: [false, true], draft: [true], when: model('mlp') },
  ];
  return all.filter((p) => models.some((m) => p.key.startsWith(`${m}.`)));
}

const MODELS: Record<TemplateName, readonly string[]> = {
  'tabular-classification': [
    'logreg',
    'random_forest',
    'extra_trees',
    'hist_gb',
    'knn',
    'svm',
    'mlp',
    'gaussian_nb',
  ],
  'tabular-regression': [
    'ridge',
    'lasso',
    'elastic_net',
    'random_forest',
    'extra_trees',
    'hist_gb',
    'knn',
    'svm',
    'mlp',
  ],
  'text-classification': ['logreg', 'sgd', 'naive_bayes', 'linear_svm'],
  'text-regression': ['ridge', 'sgd', 'linear_svm'],
  // Kernel SVMs on a PCA of the pixels are the strong, cheap family on small image sets (Fashion-MNIST
  // at 6,000 images: ~0.85 against ~0.82 for a linear model, in seconds).
  'image-classification': ['logreg', 'random_forest', 'extra_trees', 'knn', 'svm', 'mlp'],
  'image-regression': ['ridge', 'random_forest', 'extra_trees', 'knn', 'svm', 'mlp'],
};

/** Preprocessing and feature choices of a modality. */
function featureParams(modality: Modality, task: TaskKind): Param[] {
  const common: Param[] = [
    // Refit on every labelled row after scoring on the holdout, or keep the holdout model (a draft
    // refits: keeping the holdout model trains on a fifth less data, a handicap a first try need not take).
    { key: 'refit', values: [true, false], weights: [2, 1], draft: [true] },
  ];
  const target: Param[] =
    task === 'regression'
      ? [{ key: 'target', values: ['none', 'log1p', 'standardize'], weights: [3, 1, 1] }]
      : [];
  if (modality === 'tabular') {
    return [
      { key: 'impute', values: ['median', 'mean', 'most_frequent'] },
      { key: 'scale', values: ['none', 'standard', 'robust', 'quantile'] },
      { key: 'categorical', values: ['onehot', 'ordinal'] },
      { key: 'interactions', values: [false, true], weights: [4, 1], draft: [false] },
      // Keeping the k best features (every column where the table has no more than k).
      { key: 'select', values: ['all', 5, 10, 20], weights: [6, 1, 1, 1] },
      // PCA keeping this share of the variance (a share, not a count, so it fits any width).
      { key: 'pca', values: [null, 0.9, 0.99], weights: [4, 1, 1] },
      ...target,
      ...common,
    ];
  }
  if (modality === 'text') {
    return [
      { key: 'vectorizer', values: ['tfidf', 'counts'], weights: [3, 1], draft: ['tfidf'] },
      // Drafts read character n-grams, which hold up on short texts where word counts are sparse
      // (mini-fortunes: log loss ~0.66-0.74 against ~0.92 for word unigrams); words stay reachable.
      { key: 'analyzer', values: ['word', 'char_wb'], draft: ['char_wb'] },
      { key: 'ngram_max', values: [1, 2, 3, 4, 5], ordered: true, draft: [3, 4] },
      { key: 'min_df', values: [1, 2, 3, 5], ordered: true, draft: [1, 2] },
      { key: 'max_df', values: [1.0, 0.9, 0.5], ordered: true },
      { key: 'sublinear_tf', values: [false, true], draft: [true], when: (c) => c.vectorizer === 'tfidf' },
      { key: 'max_features', values: [5000, 20000, 100000], ordered: true, draft: [20000, 100000] },
      { key: 'lowercase', values: [true, false], weights: [3, 1] },
      ...target,
      ...common,
    ];
  }
  return [
    // Drafts keep intensities in [0, 1] (standardizing blank border pixels mostly amplifies noise)
    // and a PCA of 30-60 components: kernels, neighbours and linear models fit in seconds on it.
    { key: 'pixels', values: ['unit', 'standard'], draft: ['unit'] },
    { key: 'pca', values: [null, 30, 60, 120], ordered: true, draft: [30, 60] },
    ...target,
    ...common,
  ];
}

const LINEAR = {
  'logreg.C': 1,
  'logreg.penalty': 'l2',
  'logreg.solver': 'lbfgs',
  'logreg.class_weight': null,
  'ridge.alpha': 1,
};

/** Baselines: a scaled linear model on every feature (choices not named take their first value). */
const BASELINES: Record<TemplateName, Choices> = {
  'tabular-classification': {
    impute: 'median',
    scale: 'standard',
    categorical: 'onehot',
    interactions: false,
    select: 'all',
    pca: null,
    model: 'logreg',
    refit: true,
    ...LINEAR,
  },
  'tabular-regression': {
    impute: 'median',
    scale: 'standard',
    categorical: 'onehot',
    interactions: false,
    select: 'all',
    pca: null,
    target: 'none',
    model: 'ridge',
    refit: true,
    ...LINEAR,
  },
  // Word unigrams keep the text baseline at seconds (bigrams over 100k features took ~10x longer on mini-fortunes for no gain).
  'text-classification': {
    vectorizer: 'tfidf',
    analyzer: 'word',
    ngram_max: 1,
    min_df: 1,
    max_df: 1.0,
    sublinear_tf: true,
    max_features: 20000,
    lowercase: true,
    model: 'logreg',
    refit: true,
    ...LINEAR,
    'logreg.C': 10,
  },
  'text-regression': {
    vectorizer: 'tfidf',
    analyzer: 'word',
    ngram_max: 1,
    min_df: 1,
    max_df: 1.0,
    sublinear_tf: true,
    max_features: 20000,
    lowercase: true,
    target: 'none',
    model: 'ridge',
    refit: true,
    ...LINEAR,
  },
  'image-classification': { pixels: 'unit', pca: 60, model: 'logreg', refit: true, ...LINEAR },
  'image-regression': { pixels: 'unit', pca: 60, target: 'none', model: 'ridge', refit: true, ...LINEAR },
};

/** The choice space of a template: its preprocessing, then the model, then the model's own settings. */
export function spaceFor(modality: Modality, task: TaskKind): Space {
  const template: TemplateName = `${modality}-${task}`;
  const models = MODELS[template];
  const params = [
    ...featureParams(modality, task),
    { key: 'model', values: models },
    ...modelParams(models, task),
  ];
  // Complete the baseline with each missing param's first value, dropping what its model does not use.
  const baseline: Choices = {};
  for (const p of params) {
    if (p.when && !p.when(baseline)) continue;
    const v = BASELINES[template][p.key];
    baseline[p.key] = v !== undefined && p.values.includes(v) ? v : p.values[0]!;
  }
  return { template, params, baseline };
}

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(MODELS, name);
}

/** Splits a template name back into its modality and task. */
export function templateParts(name: TemplateName): { modality: Modality; task: TaskKind } {
  const [modality, task] = name.split('-') as [Modality, TaskKind];
  return { modality, task };
}
