import type { PredictionKind, TaskKind } from './layout.js';
import { Imports, py, pyFloat } from './python.js';
import type { Choices } from './space.js';

/** Whether the predictions need `predict_proba`. */
export function needsProbabilities(kind: PredictionKind): boolean {
  return kind === 'probability' || kind === 'class-probabilities';
}

function args(pairs: Array<[string, string]>): string {
  return pairs.map(([k, v]) => `${k}=${v}`).join(', ');
}

/**
 * The scikit-learn estimator a set of choices names, as one Python expression with every
 * hyperparameter written out (so the script says exactly what it fits).
 */
export function modelExpression(c: Choices, task: TaskKind, kind: PredictionKind, imp: Imports): string {
  const cls = task === 'classification';
  const m = c.model as string;
  const p = (k: string) => c[`${m}.${k}`];
  switch (m) {
    case 'logreg':
      imp.from('sklearn.linear_model', 'LogisticRegression');
      return `LogisticRegression(${args([
        ['C', pyFloat(p('C'))],
        ['penalty', py(p('penalty') ?? 'l2')],
        ['solver', py(p('solver'))],
        ['class_weight', py(p('class_weight'))],
        ['max_iter', '500'],
      ])})`;
    case 'ridge':
      imp.from('sklearn.linear_model', 'Ridge');
      return `Ridge(alpha=${pyFloat(p('alpha'))})`;
    case 'lasso':
      imp.from('sklearn.linear_model', 'Lasso');
      return `Lasso(alpha=${pyFloat(p('alpha'))}, max_iter=5000)`;
    case 'elastic_net':
      imp.from('sklearn.linear_model', 'ElasticNet');
      return `ElasticNet(alpha=${pyFloat(p('alpha'))}, l1_ratio=${pyFloat(p('l1_ratio'))}, max_iter=5000)`;
    case 'random_forest':
    case 'extra_trees': {
      const name = `${m === 'random_forest' ? 'RandomForest' : 'ExtraTrees'}${cls ? 'Classifier' : 'Regressor'}`;
      imp.from('sklearn.ensemble', name);
      const a: Array<[string, string]> = [
        ['n_estimators', py(p('n_estimators'))],
        ['max_depth', py(p('max_depth'))],
        ['min_samples_leaf', py(p('min_samples_leaf'))],
        ['max_features', p('max_features') === 'sqrt' ? '"sqrt"' : pyFloat(p('max_features'))],
      ];
      if (!cls) a.push(['criterion', py(p('criterion') ?? 'squared_error')]);
      if (cls) a.push(['class_weight', py(p('class_weight'))]);
      a.push(['random_state', '0'], ['n_jobs', '1']);
      return `${name}(${args(a)})`;
    }
    case 'hist_gb': {
      const name = `HistGradientBoosting${cls ? 'Classifier' : 'Regressor'}`;
      imp.from('sklearn.ensemble', name);
      const a: Array<[string, string]> = [
        ['learning_rate', pyFloat(p('learning_rate'))],
        ['max_iter', py(p('max_iter'))],
        ['max_leaf_nodes', py(p('max_leaf_nodes'))],
        ['min_samples_leaf', py(p('min_samples_leaf'))],
        ['l2_regularization', pyFloat(p('l2_regularization'))],
        ['early_stopping', py(p('early_stopping') ?? false)],
      ];
      if (p('early_stopping')) a.push(['validation_fraction', '0.1'], ['n_iter_no_change', '10']);
      if (!cls) a.push(['loss', py(p('loss') ?? 'squared_error')]);
      a.push(['random_state', '0']);
      return `${name}(${args(a)})`;
    }
    case 'knn': {
      const name = `KNeighbors${cls ? 'Classifier' : 'Regressor'}`;
      imp.from('sklearn.neighbors', name);
      return `${name}(${args([
        ['n_neighbors', py(p('n_neighbors'))],
        ['weights', py(p('weights'))],
        ['metric', py(p('metric'))],
        ['algorithm', py(p('algorithm') ?? 'auto')],
      ])})`;
    }
    case 'svm': {
      const gamma = p('gamma') === 'scale' ? '"scale"' : pyFloat(p('gamma'));
      if (cls) {
        imp.from('sklearn.svm', 'SVC');
        return `SVC(${args([
          ['C', pyFloat(p('C'))],
          ['gamma', gamma],
          ['probability', py(needsProbabilities(kind))],
          ['random_state', '0'],
        ])})`;
      }
      imp.from('sklearn.svm', 'SVR');
      return `SVR(${args([
        ['C', pyFloat(p('C'))],
        ['gamma', gamma],
        ['epsilon', pyFloat(p('epsilon'))],
      ])})`;
    }
    case 'gaussian_nb':
      imp.from('sklearn.naive_bayes', 'GaussianNB');
      return `GaussianNB(var_smoothing=${pyFloat(p('var_smoothing'))})`;
    case 'naive_bayes': {
      const name = p('kind') === 'complement' ? 'ComplementNB' : 'MultinomialNB';
      imp.from('sklearn.naive_bayes', name);
      return `${name}(alpha=${pyFloat(p('alpha'))})`;
    }
    case 'sgd': {
      const name = cls ? 'SGDClassifier' : 'SGDRegressor';
      imp.from('sklearn.linear_model', name);
      return `${name}(${args([
        ['loss', py(p('loss'))],
        ['alpha', pyFloat(p('alpha'))],
        ['penalty', py(p('penalty') ?? 'l2')],
        ['max_iter', '50'],
        ['tol', '1e-4'],
        ['random_state', '0'],
      ])})`;
    }
    case 'linear_svm': {
      if (cls) {
        imp.from('sklearn.svm', 'LinearSVC');
        const svc = `LinearSVC(C=${pyFloat(p('C'))}, max_iter=5000)`;
        if (!needsProbabilities(kind)) return svc;
        // A linear SVM has no probabilities: calibrate its margins on 3 folds.
        imp.from('sklearn.calibration', 'CalibratedClassifierCV');
        return `CalibratedClassifierCV(${svc}, cv=3)`;
      }
      imp.from('sklearn.svm', 'LinearSVR');
      return `LinearSVR(C=${pyFloat(p('C'))}, max_iter=5000, random_state=0)`;
    }
    case 'mlp': {
      const name = cls ? 'MLPClassifier' : 'MLPRegressor';
      imp.from('sklearn.neural_network', name);
      const hidden = String(p('hidden')).split('-');
      return `${name}(${args([
        ['hidden_layer_sizes', `(${hidden.join(', ')}${hidden.length === 1 ? ',' : ''})`],
        ['alpha', pyFloat(p('alpha'))],
        ['learning_rate_init', pyFloat(p('learning_rate_init'))],
        ['max_iter', py(p('max_iter'))],
        ['early_stopping', py(p('early_stopping') ?? false)],
        ['random_state', '0'],
      ])})`;
    }
    default:
      throw new Error(`no model called "${m}"`);
  }
}

/** Wraps a regressor so it learns a transformed target (and predicts on the original scale). */
export function targetWrapper(c: Choices, model: string, imp: Imports): string {
  if (c.target === 'log1p') {
    imp.from('sklearn.compose', 'TransformedTargetRegressor');
    return `TransformedTargetRegressor(regressor=${model}, func=np.log1p, inverse_func=np.expm1)`;
  }
  if (c.target === 'standardize') {
    imp.from('sklearn.compose', 'TransformedTargetRegressor').from('sklearn.preprocessing', 'StandardScaler');
    return `TransformedTargetRegressor(regressor=${model}, transformer=StandardScaler())`;
  }
  return model;
}
