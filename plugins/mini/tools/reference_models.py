"""The reference models behind each mini competition's reference leaderboard.

MODELS[id]() lists (name, fit_predict) pairs; fit_predict(train, test, label, classes) trains on
the public train DataFrame and returns test predictions in the metric's input form (labels for
accuracy, a probability matrix in `classes` order for log loss, a probability for ROC AUC, values
for RMSE). The spread runs from trivial to strong on purpose: percentile ranks need a populated
bottom, middle and top. Every random choice is seeded.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis, QuadraticDiscriminantAnalysis
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import Lasso, LinearRegression, LogisticRegression, Ridge, SGDClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.naive_bayes import BernoulliNB, ComplementNB, GaussianNB, MultinomialNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor, NearestCentroid
from sklearn.calibration import CalibratedClassifierCV
from sklearn.pipeline import make_pipeline, make_union
from sklearn.preprocessing import Binarizer, PolynomialFeatures, StandardScaler
from sklearn.svm import SVC, SVR, LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

FitPredict = Callable[[pd.DataFrame, pd.DataFrame, str, list], np.ndarray]
S = 0  # random_state of every estimator

TRIVIAL = {
    "mini-fashion-mnist": "majority class",
    "mini-letter": "majority class",
    "mini-satellite": "majority class",
    "mini-fortunes": "class prior",
    "mini-breast-cancer": "constant 0.5",
    "mini-diabetes": "train mean",
}


def xy(train: pd.DataFrame, test: pd.DataFrame, label: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    feats = [c for c in train.columns if c not in ("id", label)]
    return train[feats].to_numpy(dtype=float), train[label].to_numpy(), test[feats].to_numpy(dtype=float)


def cache(fn: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """Remember a model's predictions so noisy variants reuse them instead of refitting."""
    memo: dict[int, np.ndarray] = {}

    def wrapped(train, test, label, classes):
        key = id(test)
        if key not in memo:
            memo.clear()
            memo[key] = fn(train, test, label, classes)
        return memo[key]

    return wrapped


# ---------------------------------------------------------------- mini-fashion-mnist (accuracy)
def fashion() -> list[tuple[str, FitPredict]]:
    def est(make, scale=255.0):
        def fp(train, test, label, classes):
            x, y, xt = xy(train, test, label)
            return make().fit(x / scale, y).predict(xt / scale)

        return fp

    def majority(train, test, label, classes):
        return np.full(len(test), train[label].value_counts().sort_index().idxmax())

    def random_labels(seed):
        return lambda train, test, label, classes: np.random.RandomState(seed).randint(0, 10, len(test))

    def prior_sample(train, test, label, classes):
        return np.random.RandomState(7).choice(train[label].to_numpy(), len(test))

    strong = cache(est(lambda: RandomForestClassifier(200, random_state=S)))
    memo: dict[str, np.ndarray] = {}

    def top(name, make):  # a strong model whose predictions the blends below reuse
        def fp(train, test, label, classes):
            if name not in memo:
                memo[name] = est(make)(train, test, label, classes)
            return memo[name]

        return name, fp

    def vote(names):  # the most frequent label among the models; no majority: the first model's
        def fp(train, test, label, classes):
            preds = np.stack([memo[n] for n in names])
            out = []
            for col in preds.T:
                vals, counts = np.unique(col, return_counts=True)
                out.append(col[0] if counts.max() == 1 else vals[counts.argmax()])
            return np.array(out)

        return f"majority vote of {' + '.join(names)}", fp

    def noisy(frac):
        def fp(train, test, label, classes):
            p = strong(train, test, label, classes).copy()
            r = np.random.RandomState(int(frac * 1000))
            flip = r.rand(len(p)) < frac
            p[flip] = r.randint(0, 10, flip.sum())
            return p

        return fp

    m: list[tuple[str, FitPredict]] = [
        ("majority class", majority),
        *[(f"uniform random labels (seed {s})", random_labels(s)) for s in (0, 1, 2)],
        ("labels sampled from the train prior", prior_sample),
        *[(f"logistic regression C={c:g}", est(lambda c=c: LogisticRegression(C=c, max_iter=300))) for c in (1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1)],
        *[(f"kNN k={k}", est(lambda k=k: KNeighborsClassifier(k))) for k in (1, 3, 5, 9, 15, 31, 101, 301)],
        *[(f"decision tree depth={d}", est(lambda d=d: DecisionTreeClassifier(max_depth=d, random_state=S))) for d in (1, 2, 3, 4, 6, 8, None)],
        *[(f"random forest n={n}", est(lambda n=n: RandomForestClassifier(n, random_state=S))) for n in (1, 3, 10, 30)],
        ("random forest n=200", strong),
        *[(f"random forest n=50 depth={d}", est(lambda d=d: RandomForestClassifier(50, max_depth=d, random_state=S))) for d in (2, 4, 8)],
        *[(f"extra trees n={n}", est(lambda n=n: ExtraTreesClassifier(n, random_state=S))) for n in (10, 50, 200)],
        ("gaussian naive Bayes", est(GaussianNB)),
        ("Bernoulli naive Bayes on pixels > 0.3", est(lambda: make_pipeline(Binarizer(threshold=0.3), BernoulliNB()))),
        ("nearest centroid", est(NearestCentroid)),
        *[(f"logistic regression on PCA-{k}", est(lambda k=k: make_pipeline(PCA(k, random_state=S), LogisticRegression(max_iter=500)))) for k in (2, 5, 10, 50)],
        *[(f"kNN k=5 on PCA-{k}", est(lambda k=k: make_pipeline(PCA(k, random_state=S), KNeighborsClassifier(5)))) for k in (3, 20)],
        *[(f"gradient boosting (hist) {n} iters on PCA-40", est(lambda n=n: make_pipeline(PCA(40, random_state=S), HistGradientBoostingClassifier(max_iter=n, random_state=S)))) for n in (10, 50, 150)],
        *[(f"linear SVM (SGD) alpha={a:g}", est(lambda a=a: SGDClassifier(alpha=a, random_state=S))) for a in (1e-4, 1e-2)],
        ("RBF SVM C=10 on PCA-50", est(lambda: make_pipeline(PCA(50, random_state=S), SVC(C=10, random_state=S)))),
        *[(f"random forest n=200 with {int(f * 100)}% labels replaced at random", noisy(f)) for f in (0.03, 0.1, 0.2, 0.35, 0.5, 0.7)],
        # A crowded top, as on Kaggle: kernels, MLPs and forests across settings and seeds, and blends.
        *[top(f"RBF SVM C={c:g} on PCA-{k}", lambda c=c, k=k: make_pipeline(PCA(k, random_state=S), SVC(C=c, random_state=S))) for c, k in ((3, 50), (30, 50), (10, 30), (10, 100))],
        top("kNN k=6 distance-weighted on PCA-40", lambda: make_pipeline(PCA(40, random_state=S), KNeighborsClassifier(6, weights="distance"))),
        *[top(f"MLP 256 hidden (seed {s_})", lambda s_=s_: MLPClassifier((256,), max_iter=100, early_stopping=True, random_state=s_)) for s_ in (0, 1)],
        *[top(f"extra trees n=400 (seed {s_})", lambda s_=s_: ExtraTreesClassifier(400, random_state=s_)) for s_ in (1, 2)],
        *[top(f"random forest n=400 (seed {s_})", lambda s_=s_: RandomForestClassifier(400, random_state=s_)) for s_ in (1, 2)],
        top("gradient boosting (hist) 300 iters on PCA-40", lambda: make_pipeline(PCA(40, random_state=S), HistGradientBoostingClassifier(max_iter=300, random_state=S))),
        vote(["RBF SVM C=30 on PCA-50", "extra trees n=400 (seed 1)", "random forest n=400 (seed 1)"]),
        vote(["RBF SVM C=10 on PCA-100", "MLP 256 hidden (seed 0)", "extra trees n=400 (seed 2)", "gradient boosting (hist) 300 iters on PCA-40", "kNN k=6 distance-weighted on PCA-40"]),
    ]
    return m


# ---------------------------------------------------------------- mini-fortunes (multi-class log loss)
def fortunes() -> list[tuple[str, FitPredict]]:
    def proba(make, vec):
        def fp(train, test, label, classes):
            v = vec()
            x, xt = v.fit_transform(train["text"]), v.transform(test["text"])
            e = make().fit(x, train[label])
            p = e.predict_proba(xt)
            cols = list(e.classes_)
            return p[:, [cols.index(c) for c in classes]]

        return fp

    words = lambda: CountVectorizer()  # noqa: E731
    tfidf = lambda: TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2)  # noqa: E731
    chars = lambda: TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(2, 4), min_df=2)  # noqa: E731
    chars15 = lambda: TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(1, 5), min_df=2)  # noqa: E731
    both = lambda: make_union(tfidf(), chars())  # noqa: E731

    def mean_of(a, b):
        def fp(train, test, label, classes):
            return (a(train, test, label, classes) + b(train, test, label, classes)) / 2

        return fp

    def prior(train, test, label, classes):
        f = train[label].value_counts(normalize=True)
        return np.tile([f.get(c, 0.0) for c in classes], (len(test), 1))

    def uniform(train, test, label, classes):
        return np.full((len(test), len(classes)), 1 / len(classes))

    def dirichlet(seed):
        return lambda train, test, label, classes: np.random.RandomState(seed).dirichlet(np.ones(len(classes)), len(test))

    strong = cache(proba(lambda: LogisticRegression(C=10, max_iter=1000), tfidf))

    def blend(w):  # a less confident strong model: mix with the uniform distribution
        return lambda train, test, label, classes: (1 - w) * strong(train, test, label, classes) + w / len(classes)

    def sharpen(t):  # an over-confident one: p**t renormalised
        def fp(train, test, label, classes):
            p = strong(train, test, label, classes) ** t
            return p / p.sum(axis=1, keepdims=True)

        return fp

    def hard(smooth):  # argmax of the strong model, smoothed towards uniform
        def fp(train, test, label, classes):
            p = strong(train, test, label, classes)
            one = np.eye(len(classes))[p.argmax(axis=1)]
            return (1 - smooth) * one + smooth / len(classes)

        return fp

    return [
        ("class prior", prior),
        ("uniform", uniform),
        *[(f"random Dirichlet(1) probabilities (seed {s})", dirichlet(s)) for s in (0, 1, 2)],
        *[(f"multinomial naive Bayes on counts alpha={a:g}", proba(lambda a=a: MultinomialNB(alpha=a), words)) for a in (0.1, 0.3, 1)],
        *[(f"multinomial naive Bayes on tf-idf alpha={a:g}", proba(lambda a=a: MultinomialNB(alpha=a), tfidf)) for a in (0.003, 0.01, 0.03, 0.1, 0.3)],
        *[(f"complement naive Bayes alpha={a:g}", proba(lambda a=a: ComplementNB(alpha=a), words)) for a in (0.3, 1)],
        *[(f"logistic regression on word tf-idf C={c:g}", proba(lambda c=c: LogisticRegression(C=c, max_iter=1000), tfidf)) for c in (0.1, 0.3, 1, 3)],
        ("logistic regression on word tf-idf C=10", strong),
        *[(f"logistic regression on word tf-idf C={c:g}", proba(lambda c=c: LogisticRegression(C=c, max_iter=1000), tfidf)) for c in (30, 100)],
        *[(f"logistic regression on char tf-idf C={c:g}", proba(lambda c=c: LogisticRegression(C=c, max_iter=1000), chars)) for c in (1, 3, 10, 30, 100)],
        *[(f"kNN (cosine) k={k}", proba(lambda k=k: KNeighborsClassifier(k, metric="cosine"), tfidf)) for k in (1, 5, 15, 31, 63, 127)],
        *[(f"random forest n={n}", proba(lambda n=n: RandomForestClassifier(n, random_state=S), tfidf)) for n in (10, 50, 200)],
        *[(f"extra trees n={n}", proba(lambda n=n: ExtraTreesClassifier(n, random_state=S), tfidf)) for n in (50, 200)],
        *[(f"decision tree depth={d}", proba(lambda d=d: DecisionTreeClassifier(max_depth=d, random_state=S), tfidf)) for d in (3, None)],
        *[(f"SGD logistic alpha={a:g}", proba(lambda a=a: SGDClassifier(loss="log_loss", alpha=a, random_state=S), tfidf)) for a in (1e-5, 1e-4, 1e-3)],
        *[(f"logistic regression on tf-idf SVD-{k}", proba(lambda k=k: make_pipeline(TruncatedSVD(k, random_state=S), LogisticRegression(max_iter=1000)), tfidf)) for k in (20, 100)],
        ("gradient boosting (hist) on tf-idf SVD-100", proba(lambda: make_pipeline(TruncatedSVD(100, random_state=S), HistGradientBoostingClassifier(max_iter=100, random_state=S)), tfidf)),
        *[(f"word tf-idf C=10 mixed {int(w * 100)}% with uniform", blend(w)) for w in (0.25, 0.5, 0.75)],
        *[(f"word tf-idf C=10 sharpened p^{t}", sharpen(t)) for t in (2, 4)],
        *[(f"word tf-idf C=10 argmax smoothed {s:g}", hard(s)) for s in (0.05, 0.3, 0.6)],
        # A crowded top, as on Kaggle: character n-grams in several forms, word + character features, blends.
        *[(f"logistic regression on word + char tf-idf C={c:g}", proba(lambda c=c: LogisticRegression(C=c, max_iter=1000), both)) for c in (10, 30, 100)],
        *[(f"logistic regression on char 1-5-gram tf-idf C={c:g}", proba(lambda c=c: LogisticRegression(C=c, max_iter=1000), chars15)) for c in (10, 30, 100)],
        ("calibrated linear SVM on char tf-idf C=0.3", proba(lambda: CalibratedClassifierCV(LinearSVC(C=0.3), cv=5), chars)),
        ("calibrated linear SVM on word + char tf-idf C=0.3", proba(lambda: CalibratedClassifierCV(LinearSVC(C=0.3), cv=5), both)),
        ("mean of char tf-idf C=30 and word tf-idf C=10 probabilities", mean_of(proba(lambda: LogisticRegression(C=30, max_iter=1000), chars), strong)),
        ("mean of char tf-idf C=30 and word + char tf-idf C=30 probabilities", mean_of(proba(lambda: LogisticRegression(C=30, max_iter=1000), chars), proba(lambda: LogisticRegression(C=30, max_iter=1000), both))),
    ]


# ---------------------------------------------------------------- mini-breast-cancer (ROC AUC)
def breast_cancer() -> list[tuple[str, FitPredict]]:
    def est(make, cols=None):
        def fp(train, test, label, classes):
            x, y, xt = xy(train, test, label)
            if cols is not None:
                feats = [c for c in train.columns if c not in ("id", label)]
                idx = [feats.index(c) for c in cols]
                x, xt = x[:, idx], xt[:, idx]
            e = make().fit(x, y)
            return e.predict_proba(xt)[:, list(e.classes_).index(1)]

        return fp

    std = lambda e: lambda: make_pipeline(StandardScaler(), e())  # noqa: E731
    strong = cache(est(std(lambda: LogisticRegression(C=1, max_iter=1000))))

    def noisy(sigma):
        def fp(train, test, label, classes):
            p = strong(train, test, label, classes)
            return np.clip(p + np.random.RandomState(int(sigma * 100)).normal(0, sigma, len(p)), 0, 1)

        return fp

    singles = ["mean_radius", "mean_texture", "mean_smoothness", "mean_symmetry", "mean_fractal_dimension", "se_texture", "se_smoothness", "worst_concave_points"]
    return [
        ("constant 0.5", lambda train, test, label, classes: np.full(len(test), 0.5)),
        *[(f"uniform random scores (seed {s})", (lambda s=s: lambda train, test, label, classes: np.random.RandomState(s).rand(len(test)))()) for s in (0, 1, 2)],
        *[(f"logistic regression (standardised) C={c:g}", est(std(lambda c=c: LogisticRegression(C=c, max_iter=1000)))) for c in (1e-4, 1e-3, 1e-2, 0.1)],
        ("logistic regression (standardised) C=1", strong),
        *[(f"logistic regression (standardised) C={c:g}", est(std(lambda c=c: LogisticRegression(C=c, max_iter=1000)))) for c in (10, 100)],
        *[(f"kNN (standardised) k={k}", est(std(lambda k=k: KNeighborsClassifier(k)))) for k in (1, 3, 5, 9, 15, 31)],
        *[(f"kNN (raw features) k={k}", est(lambda k=k: KNeighborsClassifier(k))) for k in (1, 5, 15)],
        *[(f"decision tree depth={d}", est(lambda d=d: DecisionTreeClassifier(max_depth=d, random_state=S))) for d in (1, 2, 3, 5, None)],
        *[(f"random forest n={n}", est(lambda n=n: RandomForestClassifier(n, random_state=S))) for n in (1, 5, 20, 100, 300)],
        *[(f"extra trees n={n}", est(lambda n=n: ExtraTreesClassifier(n, random_state=S))) for n in (10, 100, 300)],
        *[(f"gradient boosting (hist) {n} iters", est(lambda n=n: HistGradientBoostingClassifier(max_iter=n, random_state=S))) for n in (5, 20, 100, 300)],
        ("gaussian naive Bayes", est(GaussianNB)),
        *[(f"RBF SVM (standardised) C={c:g}", est(std(lambda c=c: SVC(C=c, probability=True, random_state=S)))) for c in (0.1, 1, 10)],
        *[(f"logistic regression on {f} alone", est(std(lambda: LogisticRegression(max_iter=1000)), [f])) for f in singles],
        *[(f"logistic regression C=1 plus noise sd={s:g}", noisy(s)) for s in (0.05, 0.1, 0.2, 0.3, 0.5, 0.8)],
    ]


# ---------------------------------------------------------------- mini-diabetes (RMSE)
def diabetes() -> list[tuple[str, FitPredict]]:
    def est(make, cols=None):
        def fp(train, test, label, classes):
            x, y, xt = xy(train, test, label)
            if cols is not None:
                feats = [c for c in train.columns if c not in ("id", label)]
                idx = [feats.index(c) for c in cols]
                x, xt = x[:, idx], xt[:, idx]
            return make().fit(x, y).predict(xt)

        return fp

    std = lambda e: lambda: make_pipeline(StandardScaler(), e())  # noqa: E731
    strong = cache(est(std(lambda: Ridge(alpha=10))))

    def const(stat, name):
        return name, lambda train, test, label, classes: np.full(len(test), stat(train[label].to_numpy(dtype=float)))

    def rand_normal(seed):
        def fp(train, test, label, classes):
            y = train[label].to_numpy(dtype=float)
            return np.random.RandomState(seed).normal(y.mean(), y.std(), len(test))

        return fp

    def noisy(sigma):
        def fp(train, test, label, classes):
            p = strong(train, test, label, classes)
            return p + np.random.RandomState(int(sigma)).normal(0, sigma, len(p))

        return fp

    return [
        const(np.mean, "train mean"),
        const(np.median, "train median"),
        *[(f"normal noise around the mean (seed {s})", rand_normal(s)) for s in (0, 1, 2)],
        ("linear regression", est(LinearRegression)),
        *[(f"ridge (standardised) alpha={a:g}", est(std(lambda a=a: Ridge(alpha=a)))) for a in (0.1, 1)],
        ("ridge (standardised) alpha=10", strong),
        *[(f"ridge (standardised) alpha={a:g}", est(std(lambda a=a: Ridge(alpha=a)))) for a in (100, 1000, 10000)],
        *[(f"lasso (standardised) alpha={a:g}", est(std(lambda a=a: Lasso(alpha=a)))) for a in (0.1, 1, 3, 10, 30)],
        *[(f"linear regression on {f} alone", est(LinearRegression, [f])) for f in ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")],
        *[(f"kNN (standardised) k={k}", est(std(lambda k=k: KNeighborsRegressor(k)))) for k in (1, 3, 5, 10, 20, 50)],
        *[(f"decision tree depth={d}", est(lambda d=d: DecisionTreeRegressor(max_depth=d, random_state=S))) for d in (1, 2, 3, 5, None)],
        *[(f"random forest n={n}", est(lambda n=n: RandomForestRegressor(n, random_state=S))) for n in (5, 20, 100, 300)],
        ("random forest n=100 min leaf 5", est(lambda: RandomForestRegressor(100, min_samples_leaf=5, random_state=S))),
        ("extra trees n=100", est(lambda: ExtraTreesRegressor(100, random_state=S))),
        *[(f"gradient boosting n={n}", est(lambda n=n: GradientBoostingRegressor(n_estimators=n, random_state=S))) for n in (10, 50, 100, 300)],
        *[(f"gradient boosting (hist) {n} iters", est(lambda n=n: HistGradientBoostingRegressor(max_iter=n, random_state=S))) for n in (20, 100)],
        *[(f"RBF SVR (standardised) C={c:g}", est(std(lambda c=c: SVR(C=c)))) for c in (1, 100)],
        *[(f"ridge alpha=10 plus noise sd={s:g}", noisy(s)) for s in (5, 10, 20, 40, 80)],
    ]


# ---------------------------------------------------------------- mini-letter, mini-satellite (accuracy)
def tabular_classes(wide: bool) -> list[tuple[str, FitPredict]]:
    """A Kaggle-like spread for a multi-class tabular task scored by accuracy.

    A Kaggle leaderboard is crowded at the top: many teams submit tuned boosting, forests, kernels
    and blends of them, separated by a few tenths of a percent. So besides trivial, weak and
    mid-range rows, about a third of these rows are strong models: forests and extra trees across
    seeds, RBF SVMs over a C grid, distance-weighted kNN, boosting, an MLP, and majority-vote blends
    of the strong ones. `wide` (many features) selects the single-feature columns to try.
    """
    memo: dict[str, np.ndarray] = {}

    def est(key, make, scale=False):
        def fp(train, test, label, classes):
            if key not in memo:
                x, y, xt = xy(train, test, label)
                m = make_pipeline(StandardScaler(), make()) if scale else make()
                memo[key] = m.fit(x, y).predict(xt)
            return memo[key]

        return key, fp

    def majority(train, test, label, classes):
        return np.full(len(test), train[label].value_counts().sort_index().idxmax())

    def random_labels(seed):
        return lambda train, test, label, classes: np.random.RandomState(seed).choice(np.unique(train[label]), len(test))

    def prior_sample(train, test, label, classes):
        return np.random.RandomState(7).choice(train[label].to_numpy(), len(test))

    def columns(cols, key, make):
        def fp(train, test, label, classes):
            feats = [c for c in train.columns if c not in ("id", label)]
            idx = [feats.index(c) for c in cols]
            x, y, xt = xy(train, test, label)
            return make_pipeline(StandardScaler(), make()).fit(x[:, idx], y).predict(xt[:, idx])

        return key, fp

    def vote(names):  # a blend: the most frequent label among already fitted strong models
        def fp(train, test, label, classes):
            preds = np.stack([memo[n] for n in names])
            out = []
            for col in preds.T:
                vals, counts = np.unique(col, return_counts=True)
                out.append(col[0] if counts.max() == 1 else vals[counts.argmax()])  # no majority: the first model's
            return np.array(out)

        return f"majority vote of {' + '.join(names)}", fp

    def noisy(base, frac):
        def fp(train, test, label, classes):
            p = memo[base].copy()
            r = np.random.RandomState(int(frac * 1000))
            flip = r.rand(len(p)) < frac
            p[flip] = r.choice(np.unique(train[label]), flip.sum())
            return p

        return f"{base} with {frac:.0%} labels replaced at random", fp

    svm_best = "RBF SVM (standardised) C=30"
    rf = [f"random forest n=300 (seed {s})" for s in range(3)]
    et = [f"extra trees n=300 (seed {s})" for s in range(3)]
    few = ["p5_b1", "p5_b2", "p5_b3", "p5_b4"] if wide else ["x2bar", "y2bar", "xybar", "x2ybr"]
    one = ["p5_b4", "p5_b1"] if wide else ["onpix", "x_ege", "y_ege"]
    return [
        ("majority class", majority),
        *[(f"uniform random labels (seed {s})", random_labels(s)) for s in (0, 1, 2)],
        ("labels sampled from the train prior", prior_sample),
        *[columns([c], f"logistic regression on {c} alone", lambda: LogisticRegression(max_iter=500)) for c in one],
        columns(few, f"logistic regression on {', '.join(few)}", lambda: LogisticRegression(max_iter=500)),
        *[est(f"decision tree depth={d}", lambda d=d: DecisionTreeClassifier(max_depth=d, random_state=S)) for d in (1, 2, 3, 4, 6, 8, 12, None)],
        est("gaussian naive Bayes", GaussianNB),
        est("nearest centroid (standardised)", NearestCentroid, scale=True),
        *[est(f"logistic regression (standardised) C={c:g}", lambda c=c: LogisticRegression(C=c, max_iter=1000), scale=True) for c in (1e-3, 1e-2, 0.1, 1, 10)],
        est("linear discriminant analysis", LinearDiscriminantAnalysis),
        est("quadratic discriminant analysis", lambda: QuadraticDiscriminantAnalysis(reg_param=0.01)),
        *[est(f"logistic regression on degree-2 interactions C={c:g}", lambda c=c: make_pipeline(StandardScaler(), PolynomialFeatures(2), StandardScaler(), LogisticRegression(C=c, max_iter=300))) for c in (0.1, 1)],
        *[est(f"kNN (standardised) k={k}", lambda k=k: KNeighborsClassifier(k), scale=True) for k in (1, 3, 5, 10, 25, 50, 100)],
        *[est(f"kNN (standardised, distance-weighted) k={k}", lambda k=k: KNeighborsClassifier(k, weights="distance"), scale=True) for k in (3, 5, 8)],
        *[est(f"kNN (raw features) k={k}", lambda k=k: KNeighborsClassifier(k)) for k in (1, 5)],
        *[est(f"random forest n={n}", lambda n=n: RandomForestClassifier(n, random_state=S)) for n in (1, 3, 10, 30)],
        *[est(f"random forest n=100 depth={d}", lambda d=d: RandomForestClassifier(100, max_depth=d, random_state=S)) for d in (4, 8, 12)],
        *[est(rf[s], lambda s=s: RandomForestClassifier(300, random_state=s)) for s in range(3)],
        est("random forest n=300 max_features=0.5", lambda: RandomForestClassifier(300, max_features=0.5, random_state=S)),
        *[est(et[s], lambda s=s: ExtraTreesClassifier(300, random_state=s)) for s in range(3)],
        *[est(f"RBF SVM (standardised) C={c:g}", lambda c=c: SVC(C=c, random_state=S), scale=True) for c in (0.1, 1, 3, 10, 30, 100)],
        est("RBF SVM (standardised) C=30 gamma=0.1", lambda: SVC(C=30, gamma=0.1, random_state=S), scale=True),
        *[est(f"gradient boosting (hist) {n} iters lr={lr:g}", lambda n=n, lr=lr: HistGradientBoostingClassifier(max_iter=n, learning_rate=lr, random_state=S)) for n, lr in ((20, 0.1), (100, 0.1), (200, 0.2))],
        *[est(f"MLP 256 hidden (standardised, seed {s})", lambda s=s: MLPClassifier((256,), max_iter=200, early_stopping=True, random_state=s), scale=True) for s in (0, 1)],
        vote([svm_best, et[0], "kNN (standardised, distance-weighted) k=5"]),
        vote([et[0], et[1], rf[0]]),
        vote([svm_best, "gradient boosting (hist) 200 iters lr=0.2", et[1]]),
        vote([svm_best, "MLP 256 hidden (standardised, seed 0)", et[2], rf[1], "gradient boosting (hist) 100 iters lr=0.1"]),
        *[noisy(svm_best, f) for f in (0.02, 0.05, 0.1, 0.2, 0.4)],
    ]


MODELS: dict[str, Callable[[], list[tuple[str, FitPredict]]]] = {
    "mini-fashion-mnist": fashion,
    "mini-fortunes": fortunes,
    "mini-breast-cancer": breast_cancer,
    "mini-diabetes": diabetes,
    "mini-letter": lambda: tabular_classes(wide=False),
    "mini-satellite": lambda: tabular_classes(wide=True),
}
