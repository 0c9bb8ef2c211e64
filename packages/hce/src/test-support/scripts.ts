import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A spooky-author solution that handles both data folders: with HCE (search/validation samples
 * present) it writes all three prediction files; without, only test. Odd jobs carry the paper's
 * scorer bug (docs/paper.md §HCE, Appendix A): they predict one author with certainty for every
 * row and print a log loss of 0.0. Even jobs fit a naive Bayes model and print an honest
 * hold-out log loss.
 */
export function spookyScript(dir: string): string {
  const path = join(dir, 'spooky_solution.py');
  writeFileSync(
    path,
    `import os, numpy as np, pandas as pd
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

data, out = os.environ["AIRA_DATA_DIR"], os.environ["AIRA_SUBMISSION_DIR"]
job = int(os.environ["AIRA_JOB_ID"].lstrip("j"))
buggy = job % 2 == 1
train = pd.read_csv(os.path.join(data, "train.csv"))
classes = ["EAP", "HPL", "MWS"]
parts = {"test": ("test.csv", "sample_submission.csv")}
for p in ("search", "validation"):
    if os.path.exists(os.path.join(data, f"sample_submission_{p}.csv")):
        parts[p] = (f"{p}.csv", f"sample_submission_{p}.csv")
vec = CountVectorizer()
X = vec.fit_transform(train.text)
model = MultinomialNB().fit(X, train.author)
for part, (inputs, sample) in parts.items():
    rows = pd.read_csv(os.path.join(data, inputs))
    sub = pd.read_csv(os.path.join(data, sample))
    if buggy:
        probs = np.tile([1.0, 0.0, 0.0], (len(rows), 1))
    else:
        probs = model.predict_proba(vec.transform(rows.text))[:, [list(model.classes_).index(c) for c in classes]]
    sub[classes] = probs
    sub.to_csv(os.path.join(out, f"{part}.csv"), index=False)
if buggy:
    # The bug: string labels against integer ones makes the log loss 0.0 whatever the predictions.
    print("score: 0.0")
else:
    a, b = train_test_split(train, test_size=0.25, random_state=job)
    m = MultinomialNB().fit(vec.transform(a.text), a.author)
    print(f"score: {log_loss(b.author, m.predict_proba(vec.transform(b.text)), labels=m.classes_):.5f}")
`,
  );
  return path;
}
