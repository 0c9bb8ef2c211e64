"""Helpers shared by the mini competitions' prepare.py files.

Everything here is deterministic by construction: randomness comes only from numpy's legacy
RandomState (whose stream numpy keeps stable across releases), and CSVs are written with the csv
module from strings we format ourselves, so the same Debian files give the same bytes on every run.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

# One seed for every mini competition's test split; changing it changes the committed leaderboards.
SPLIT_SEED = 20260101


def rng(salt: int = 0) -> np.random.RandomState:
    return np.random.RandomState(SPLIT_SEED + salt)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Write a CSV of already formatted cells, '\\n' line ends, minimal quoting (pandas reads it back unchanged)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        w.writerows(rows)


def fmt(v: object) -> str:
    """Stable text for a cell: integral floats as integers, other floats by repr (round-trip)."""
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return str(int(f)) if f.is_integer() else repr(f)
    if isinstance(v, (np.integer,)):
        return str(int(v))
    return str(v)


def stratified_pick(labels: Sequence[object], n_pick: int, r: np.random.RandomState) -> np.ndarray:
    """Indices of n_pick rows drawn so each class keeps its share (largest remainder), sorted.

    Pass labels=[0]*n for a plain (unstratified) random pick.
    """
    labels = np.asarray(labels)
    n = len(labels)
    if not 0 < n_pick < n:
        raise ValueError(f"cannot pick {n_pick} of {n} rows")
    classes = sorted(set(labels.tolist()))
    members = {c: np.flatnonzero(labels == c) for c in classes}
    exact = {c: n_pick * len(members[c]) / n for c in classes}
    quota = {c: int(np.floor(exact[c])) for c in classes}
    # Largest remainder; ties broken by class order so the result never depends on dict order.
    short = n_pick - sum(quota.values())
    for c in sorted(classes, key=lambda c: (-(exact[c] - quota[c]), classes.index(c)))[:short]:
        quota[c] += 1
    picked = [r.permutation(members[c])[: quota[c]] for c in classes]
    return np.sort(np.concatenate(picked))


def assign_ids(n: int, r: np.random.RandomState) -> np.ndarray:
    """A random permutation of 0..n-1 used as row ids, so an id says nothing about a row's origin."""
    return r.permutation(n)


def write_competition(
    public: Path,
    private: Path,
    *,
    id_col: str,
    feature_cols: Sequence[str],
    label_cols: Sequence[str],
    ids: np.ndarray,
    features: list[list[str]],
    labels: list[list[object]],
    is_test: np.ndarray,
    submission_cols: Sequence[str],
    sample_values: Sequence[object],
) -> None:
    """Write MLE-bench's layout (docs/mlebench-layouts.md §General pattern): public train.csv (with labels),
    test.csv (inputs only) and sample_submission.csv; private test.csv (the answers: id + labels).
    """
    # Features arrive as text (the source file's own, or numpy's), ids and labels are formatted here.
    sid = [fmt(v) for v in ids]
    labels = [[fmt(v) for v in row] for row in labels]
    sample = [fmt(v) for v in sample_values]
    train = [i for i in range(len(ids)) if not is_test[i]]
    test = [i for i in range(len(ids)) if is_test[i]]
    by_id = lambda idx: sorted(idx, key=lambda i: int(ids[i]))  # noqa: E731
    write_csv(public / "train.csv", [id_col, *feature_cols, *label_cols], ([sid[i], *features[i], *labels[i]] for i in by_id(train)))
    write_csv(public / "test.csv", [id_col, *feature_cols], ([sid[i], *features[i]] for i in by_id(test)))
    write_csv(public / "sample_submission.csv", [id_col, *submission_cols], ([sid[i], *sample] for i in by_id(test)))
    write_csv(private / "test.csv", [id_col, *label_cols], ([sid[i], *labels[i]] for i in by_id(test)))


def read_rda_frame(path: Path, name: str):
    """One data frame from an R .rda file (Debian's r-cran-mlbench ships its data sets that way)."""
    import warnings

    import rdata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Unknown encoding. Assumed ASCII.": the files are plain ASCII
        frames = rdata.conversion.convert(rdata.parser.parse_file(path))
    if name not in frames:
        raise ValueError(f"{path}: no object {name!r} (has {', '.join(frames)})")
    return frames[name]
