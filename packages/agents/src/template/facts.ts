import { basename } from 'node:path';
import type { Competition } from '@aira/competitions';
import type { RunCompetition } from '@aira/coordinator';
import type { CompetitionFacts } from './layout.js';

/**
 * What the run's competition's manifest says about its data (modality, task, id and label
 * columns, metric), or null when the run carries no competition from a plugin (the study's
 * registry makes none); the layout is then inferred from the files alone.
 */
export function competitionFacts(definition: RunCompetition | undefined): CompetitionFacts | null {
  const m = (definition as Partial<Competition> | undefined)?.manifest;
  if (!m) return null;
  return {
    id: m.id,
    modality: [...m.data.modality],
    task: m.data.task,
    ids: [...m.split.id],
    labels: [...m.split.label],
    labelled: [...new Set([...m.data.labelled, m.split.labelled].map((p) => basename(p)))],
    metric: m.metric,
  };
}
