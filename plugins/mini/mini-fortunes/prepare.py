"""mini-fortunes: which fortune file (category) a fortune cookie comes from, from Debian's fortunes package."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from mini_common import rng, stratified_pick, write_competition

SRC = Path("/usr/share/games/fortunes")
# Six files with distinct topics and 580-1,200 entries each.
CATEGORIES = ["computers", "definitions", "men-women", "politics", "science", "songs-poems"]
SOURCES = [SRC / c for c in CATEGORIES]
TEST_FRACTION = 0.2


def read_fortunes(path: Path) -> list[str]:
    """strfile's format: entries separated by lines holding only '%'."""
    parts = re.split(r"^%$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return [p.strip("\n").rstrip() for p in parts if p.strip()]


def prepare(public: Path, private: Path) -> None:
    seen: dict[str, set[str]] = {}
    order: list[tuple[str, str]] = []
    for cat, path in zip(CATEGORIES, SOURCES):
        for text in read_fortunes(path):
            if text not in seen:
                seen[text] = set()
                order.append((text, cat))
            seen[text].add(cat)
    # A fortune filed under two categories has no single right answer: drop it; exact repeats keep one copy.
    rows = [(text, cat) for text, cat in order if len(seen[text]) == 1]
    y = [cat for _, cat in rows]
    n = len(rows)
    r = rng(2)
    is_test = np.zeros(n, dtype=bool)
    is_test[stratified_pick(y, round(TEST_FRACTION * n), r)] = True
    write_competition(
        public,
        private,
        id_col="id",
        feature_cols=["text"],
        label_cols=["category"],
        ids=r.permutation(n),
        features=[[text] for text, _ in rows],
        labels=[[cat] for cat in y],
        is_test=is_test,
        submission_cols=CATEGORIES,
        sample_values=[repr(1 / len(CATEGORIES))] * len(CATEGORIES),
    )
