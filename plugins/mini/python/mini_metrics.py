"""The four metrics of the mini suite, with MLE-bench's semantics (docs/mlebench-grading.md §Metrics).

Used by tools/make-leaderboards.py to score the reference models. The coordinator grades agents
with @aira/grading's TypeScript implementations; src/graders.test.ts checks both agree.
Scores are rounded to 5 decimals as MLE-bench's grade_csv does (§2.1).
"""
from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score

# Modern scikit-learn (>= 1.5, what MLE-bench pins) clips at the float64 machine epsilon (§4 "Log loss").
LOG_LOSS_EPS = float(np.finfo(np.float64).eps)


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def roc_auc(y_true: np.ndarray, p: np.ndarray) -> float:
    p = np.asarray(p, dtype=float)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("ROC AUC predictions must lie in [0, 1]")
    return float(roc_auc_score(y_true, p))  # Mann-Whitney, ties count 1/2


def multiclass_log_loss(y_true_idx: np.ndarray, proba: np.ndarray) -> float:
    """Mean of -ln p(true class); rows must sum to 1 (np.isclose, atol 1e-6), values clipped to [eps, 1-eps]."""
    proba = np.asarray(proba, dtype=np.float64)
    if np.any((proba < 0) | (proba > 1)) or not np.all(np.isclose(proba.sum(axis=1), 1, atol=1e-6)):
        raise ValueError("log-loss rows must be probabilities summing to 1")
    p = np.clip(proba[np.arange(len(y_true_idx)), y_true_idx], LOG_LOSS_EPS, 1 - LOG_LOSS_EPS)
    return float(-np.mean(np.log(p)))


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    d = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    return float(np.sqrt(np.mean(d * d)))


def mlebench_round(x: float) -> float:
    return round(x, 5)
