import type { Manifest } from '@aira/competitions';

const TASKS = new Set(['regression', 'binary-classification', 'multiclass-classification']);

/**
 * Why the template agent cannot write a valid solution for a competition, from its manifest alone
 * (so `aira run` can say so before anything starts), or null when it can. The rules are the
 * layout's (layout.ts, features.ts): one label column, a classification or regression task,
 * tabular or text features, or images given as pixel columns; and an input table (CSV) for the
 * hidden parts, which HCE carves from the competition's CSV test inputs.
 */
export function templateUnsupported(m: Manifest): string | null {
  const labels = m.split.label;
  if (labels.length !== 1)
    return `${labels.length} label columns (${labels.join(', ')}); templates predict one`;
  if (!TASKS.has(m.data.task))
    return `task "${m.data.task}"; templates write classification and regression only`;
  const modality = m.data.modality;
  const csvInputs = m.data.testInputs.some((p) => p.toLowerCase().endsWith('.csv'));
  if (!modality.includes('text') && modality.includes('image')) {
    const files = m.data.media
      .filter((x) => x.kind === 'image' || x.kind === 'archive')
      .map((x) => x.path.replace(/^public\//, ''));
    // No image files and a CSV of inputs: the images are pixel columns of that table.
    if (files.length > 0 || !csvInputs)
      return `images given as files${files.length ? ` (${files.join(', ')})` : ''}; templates read images only as pixel columns of a table`;
  } else if (!modality.some((x) => x === 'text' || x === 'tabular'))
    return `${modality.join('+')} data; templates handle tabular, text and pixel-column images`;
  if (!csvInputs) {
    return `no input table for the hidden parts (test inputs: ${m.data.testInputs.map((p) => p.replace(/^public\//, '')).join(', ') || 'none, only a sample submission'})`;
  }
  return null;
}

/** What to use instead, for people reading why the template agent cannot serve a competition. */
export const TEMPLATE_ALTERNATIVES =
  'use an LLM agent (--agent react or --agent operators, with --model and --llm-base-url) or your own solution (--agent script --script FILE)';
