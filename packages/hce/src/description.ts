import type { Competition } from '@aira/competitions';
import type { Fractions } from './split/assign.js';
import type { HiddenPart } from './split/labelled.js';

export interface DescribeInput {
  competition: Competition;
  fractions: Fractions;
  /** The labelled file(s) as the agent sees them (train part), relative to the data folder. */
  train: string[];
  inputs: Record<HiddenPart | 'test', string[]>;
  /** Each hidden part's media when the split moved them out of the train media. */
  media?: Record<HiddenPart, string[]>;
  samples: Record<HiddenPart | 'test', string>;
  /** Files withheld because the manifest lists them as leaking. */
  withheld: string[];
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const code = (p: string) => `\`${p}\``;
const better = (c: Competition) => (c.manifest.direction === 'higher-is-better' ? 'higher' : 'lower');

/** Where each prediction file goes, relative to the session root (the submission folder is `submission/`). */
export const PREDICTION_FILES: Record<HiddenPart | 'test', string> = {
  search: 'submission/search.csv',
  validation: 'submission/validation.csv',
  test: 'submission/test.csv',
};

/**
 * What the agent is told (docs/words.md §Grading in the coordinator; docs/paper.md §HCE): which files are the
 * train, search, validation and test parts, and exactly which prediction file to write for each.
 */
export function hceInstructions(d: DescribeInput): string {
  const f = d.fractions;
  const c = d.competition;
  const media = c.manifest.data.media.map((m) => code(m.path.replace(/^public\//, '')));
  const moved = d.media && (d.media.search.length > 0 || d.media.validation.length > 0);
  const row = (part: HiddenPart | 'test') => {
    const files = [...d.inputs[part], ...(part !== 'test' && d.media ? d.media[part] : [])];
    return `| ${part} | ${files.length ? files.map(code).join(', ') : `the ids in ${code(d.samples[part])}`} | ${code(d.samples[part])} | ${code(PREDICTION_FILES[part])} |`;
  };
  const where = moved
    ? "; their media were moved out of the train media into each part's own files, listed under inputs below, as the test media are kept apart"
    : media.length
      ? `; their media stay where the labelled rows' media are (${media.join(', ')})`
      : '';
  return [
    '## Hidden Consistent Evaluation: what to write where',
    '',
    `The competition's labelled data was split once into train / search / validation (${pct(f.train)} / ${pct(f.search)} / ${pct(f.validation)}); the split is the same for every run.`,
    `${d.train.map(code).join(', ')} ${d.train.length > 1 ? 'hold' : 'holds'} the train part with its labels: fit on it. The search and validation parts come without labels, in the same format as the test inputs${where}.`,
    '',
    'Your solution must write one prediction file per part into the submission folder (`$AIRA_SUBMISSION_DIR`, `submission/` in the session), each with exactly the columns and rows of its sample submission:',
    '',
    '| part | inputs | format and rows | write |',
    '|---|---|---|---|',
    row('search'),
    row('validation'),
    row('test'),
    '',
    `After your solution ends the coordinator grades the three files with the competition's metric ` +
      `(${c.manifest.metric}; ${better(c)} is better). You are told the search score only, or why the ` +
      'search file is invalid; the validation score chooses the final submission and the test score is ' +
      'only reported. Models are not retrained on all data, so whatever writes these files is what is ' +
      'scored. You need not print a score.',
    ...(d.withheld.length
      ? ['', `Withheld because they leak answers: ${d.withheld.map(code).join(', ')}.`]
      : []),
  ].join('\n');
}

/** description.md of the HCE public folder: the competition's own description, then the instructions. */
export function hceDescriptionFile(d: DescribeInput, original: string | null): string {
  const head = `# ${d.competition.manifest.name}\n\n${d.competition.manifest.description ?? ''}`.trimEnd();
  return `${original?.trim() ? original.trim() : head}\n\n---\n\n${hceInstructions(d)}\n`;
}

/** What the agent is told without HCE (`--hce off`, the paper's "No HCE" row): all labelled data, self-reported score. */
export function openInstructions(c: Competition, sample: string, withheld: string[]): string {
  return [
    '## What to write where (no hidden evaluation)',
    '',
    `All labelled data is yours (${c.manifest.data.labelled.map((p) => code(p.replace(/^public\//, ''))).join(', ')}). ` +
      'Measure your solution yourself and print its score on a line of its own: `score: <number>` ' +
      `(${c.manifest.metric}; ${better(c)} is better). That number drives the search and the final choice.`,
    `Write your test predictions to ${code(PREDICTION_FILES.test)} in the format of ${code(sample)} ` +
      '(the submission folder is `$AIRA_SUBMISSION_DIR`, `submission/` in the session); they are graded ' +
      'for the report only.',
    ...(withheld.length ? ['', `Withheld because they leak answers: ${withheld.map(code).join(', ')}.`] : []),
  ].join('\n');
}
