"""A solution that writes every prediction file HCE asks for by copying each part's sample
submission: the smallest candidate that exercises a whole MLE-bench run (split, workers, grading,
report) on synthetic data. Use it with `aira run --agent script --script THIS`.

description.md in the data folder names, per part, the sample submission and the file to write.
Pearson correlation has no value for a constant prediction (MLE-bench scores it NaN), so a sample
with just `id,score` columns (us-patent) gets a guess that varies by row instead.
"""
import csv
import os
import re

data, out = os.environ["AIRA_DATA_DIR"], os.environ["AIRA_SUBMISSION_DIR"]
text = open(os.path.join(data, "description.md"), encoding="utf-8").read()
rows = re.findall(r"^\| (search|validation|test) \| .* \| `([^`]+)` \| `submission/(\w+\.csv)` \|$", text, re.M)
if not rows:
    # Without HCE (--hce off) only the test predictions are asked for.
    sample = re.search(r"in the format of `([^`]+)`", text)
    rows = [("test", sample.group(1), "test.csv")] if sample else []
assert rows, "description.md names no prediction file"
for part, sample, target in rows:
    with open(os.path.join(data, sample), newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    if table[0] == ["id", "score"]:
        table[1:] = [[r[0], str(i % 5 / 4)] for i, r in enumerate(table[1:])]
    with open(os.path.join(out, target), "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(table)
    print(f"{part}: {sample} -> submission/{target}")
