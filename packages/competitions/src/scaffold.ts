import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '@aira/core';

/**
 * The files of a new competition plugin. The manifest validates as written; the grader is left
 * for the author, and the plugin's own test fails until it is written (and the test's expected
 * scores match the metric). Shared by `aira competitions new` and the Nx generator.
 */
export function scaffoldFiles(id: string, name = titleOf(id)): Record<string, string> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) {
    throw new ConfigError(
      `competition id "${id}": use letters, digits, ".", "_" and "-", starting with a letter or digit`,
    );
  }
  const manifest = {
    id,
    name,
    description: 'What is predicted from what, in one paragraph (agents read this).',
    metric: 'root mean squared error',
    direction: 'lower-is-better',
    data: {
      modality: ['tabular'],
      task: 'regression',
      labelled: ['public/train.csv'],
      ids: { file: 'public/train.csv', columns: ['id'] },
      labels: { file: 'public/train.csv', columns: ['target'] },
      testInputs: ['public/test.csv'],
      sampleSubmission: 'public/sample_submission.csv',
      answers: 'private/test.csv',
    },
    split: {
      method: 'builtin',
      labelled: 'public/train.csv',
      id: ['id'],
      label: ['target'],
      unit: { by: 'row' },
      stratify: null,
    },
    leaks: [],
    leaderboard: { kind: 'none' },
    checksums: { kind: 'none' },
    grader: { kind: 'code' },
  };
  return {
    'manifest.json': `${JSON.stringify(manifest, null, 2)}\n`,
    'index.ts': INDEX,
    'index.test.ts': TEST.replaceAll('__ID__', id),
    'vitest.config.ts': VITEST.replaceAll('__ID__', id),
    'README.md': README.replaceAll('__ID__', id).replaceAll('__NAME__', name),
  };
}

/** Writes a scaffold into `dir`, refusing to touch a folder that already has files. */
export function writeScaffold(dir: string, files: Record<string, string>): string[] {
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new ConfigError(`${dir} already exists and is not empty; choose another --dir`);
  const written: string[] = [];
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    written.push(path);
  }
  return written;
}

function titleOf(id: string): string {
  return id
    .split(/[-_.]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

const INDEX = `import type { GradeInput } from '@aira/competitions';
import { readCsv } from '@aira/competitions';

/**
 * Scores one submission against the answers. Return the metric's value; throw (with a message
 * saying what is wrong) when the submission is invalid: missing columns, wrong ids, bad values.
 */
export async function grade({ submission, answers }: GradeInput): Promise<number> {
  const sub = await readCsv(submission);
  const ans = await readCsv(answers);
  void sub;
  void ans;
  throw new Error('grade() is not written yet: compute the metric in index.ts');
}
`;

const TEST = `import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { loadRegistry } from '@aira/competitions';

// A few answer rows and two submissions, shaped like the real files, with the scores the metric
// must give them, worked out by hand. Change all four together when the data or metric changes.
const ANSWERS = 'id,target\\n1,3.0\\n2,-1.0\\n3,2.5\\n';
const PERFECT = ANSWERS;
const PERFECT_SCORE = 0;
const WORSE = 'id,target\\n1,2.0\\n2,0.0\\n3,2.5\\n';
const WORSE_SCORE = Math.sqrt(2 / 3); // RMSE of errors (1, 1, 0)

const here = fileURLToPath(new URL('.', import.meta.url));

test('__ID__ grades a submission end to end', async () => {
  const data = mkdtempSync(join(tmpdir(), '__ID__-'));
  const prepared = join(data, '__ID__', 'prepared');
  mkdirSync(join(prepared, 'private'), { recursive: true });
  mkdirSync(join(prepared, 'public'), { recursive: true });
  writeFileSync(join(prepared, 'private', 'test.csv'), ANSWERS);
  writeFileSync(join(data, 'perfect.csv'), PERFECT);
  writeFileSync(join(data, 'worse.csv'), WORSE);

  const registry = await loadRegistry({ plugins: [here], pluginsDir: false, suitesDir: false });
  expect(registry.problems).toEqual([]);
  const competition = registry.create('__ID__', { dataDir: data });

  const perfect = await competition.grade(join(data, 'perfect.csv'));
  expect(perfect.error).toBeUndefined();
  expect(perfect.score).toBeCloseTo(PERFECT_SCORE, 5);
  const worse = await competition.grade(join(data, 'worse.csv'));
  expect(worse.score).toBeCloseTo(WORSE_SCORE, 5);
});
`;

const VITEST = `import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@aira/source'] },
  ssr: { resolve: { conditions: ['@aira/source'] } },
  test: { name: 'plugin-__ID__', include: ['*.test.ts'], testTimeout: 60_000 },
});
`;

const README = `# __NAME__ (\`__ID__\`)

A competition plugin for aira. To finish it:

1. **manifest.json**: describe the data (\`data\`: which files hold the labelled rows, ids, labels,
   media), the metric and its direction, and the HCE split (\`split\`: labelled file, id and label
   columns, the unit that must not be split across parts, stratification). List any public file
   that leaks answers under \`leaks\`. Check it with \`aira competitions validate <this folder>\`.
2. **index.ts**: write \`grade()\`. It gets absolute paths to the submission and the answers and
   returns the score; throw to mark a submission invalid. (For a metric that needs Python
   libraries, use \`"grader": { "kind": "python", "script": "grade.py" }\` instead.)
3. **index.test.ts**: make its rows and expected scores match your data and metric, then run it.
   Under the repository's \`plugins/\`: \`npx vitest run --project plugin-__ID__\`. Anywhere else,
   from the aira checkout: \`AIRA_PLUGIN_DIR=/path/to/this/folder npx vitest run --config
   tools/plugin-vitest.config.mjs\`. It fails until grade() works.

Prepared data lives at \`<data>/__ID__/prepared/{public,private}\` (MLE-bench's layout); the answers
file named in the manifest is under \`private/\` and is never shown to agents.
`;
