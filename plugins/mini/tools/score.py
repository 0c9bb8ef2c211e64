#!/usr/bin/python3
"""Score a submission with the metric the reference leaderboard was made with (python/mini_metrics.py).

    /usr/bin/python3 plugins/mini/tools/score.py ID SUBMISSION.csv ANSWERS.csv

Prints the unrounded score. The TypeScript graders (src/graders.ts) are what runs grade; this is
the reference they are tested against.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python"))
import mini_metrics as M  # noqa: E402

LABEL = {"mini-fashion-mnist": "label", "mini-fortunes": "category", "mini-breast-cancer": "malignant", "mini-diabetes": "progression", "mini-letter": "letter", "mini-satellite": "landcover"}


def main(cid: str, submission: str, answers: str) -> float:
    ans = pd.read_csv(answers).sort_values("id")
    sub = pd.read_csv(submission).sort_values("id")
    if len(sub) != len(ans) or not (sub["id"].values == ans["id"].values).all():
        raise SystemExit("submission ids differ from the answers")
    y = ans[LABEL[cid]].values
    if cid in ("mini-fashion-mnist", "mini-letter", "mini-satellite"):
        return M.accuracy(y, sub[LABEL[cid]].values)
    if cid == "mini-fortunes":
        classes = [c for c in sub.columns if c != "id"]
        return M.multiclass_log_loss(np.array([classes.index(v) for v in y]), sub[classes].to_numpy(dtype=float))
    if cid == "mini-breast-cancer":
        return M.roc_auc(y, sub["malignant"].to_numpy(dtype=float))
    return M.rmse(y, sub["progression"].to_numpy(dtype=float))


if __name__ == "__main__":
    print(repr(main(*sys.argv[1:4])))
