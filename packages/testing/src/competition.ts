/** A small valid competition manifest (a tabular accuracy task) for plugins built by tests; `over` replaces top-level fields. */
export function manifestFor(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: `Test ${id}`,
    metric: 'accuracy',
    direction: 'higher-is-better',
    data: {
      modality: ['tabular'],
      task: 'binary-classification',
      labelled: ['public/train.csv'],
      ids: { file: 'public/train.csv', columns: ['id'] },
      labels: { file: 'public/train.csv', columns: ['label'] },
      sampleSubmission: 'public/sample_submission.csv',
      answers: 'private/test.csv',
    },
    split: {
      method: 'builtin',
      labelled: 'public/train.csv',
      id: ['id'],
      label: ['label'],
      unit: { by: 'row' },
    },
    grader: { kind: 'python', script: 'grade.py' },
    ...over,
  };
}

/** An exact-match accuracy grader in Python, for plugins built by tests. */
export const ACCURACY_PY = `import argparse, csv, json
p = argparse.ArgumentParser()
p.add_argument('--submission'); p.add_argument('--answers')
a = p.parse_args()
read = lambda f: {r['id']: r['label'] for r in csv.DictReader(open(f))}
sub, ans = read(a.submission), read(a.answers)
if set(sub) != set(ans):
    print(json.dumps({'score': None, 'error': 'ids differ from the answers'}))
else:
    print(json.dumps({'score': sum(sub[k] == v for k, v in ans.items()) / len(ans)}))
`;
