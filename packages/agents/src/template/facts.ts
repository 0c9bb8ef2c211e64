import { basename } from 'node:path';
import type { Logger } from '@aira/core';
import type { CompetitionFacts } from './layout.js';

type LoadedRegistry = Awaited<ReturnType<typeof import('@aira/competitions').loadRegistry>>;

let registry: Promise<LoadedRegistry | null> | undefined;

/**
 * What the competition's manifest says about its data (modality, task, id and label columns,
 * metric), or null when no loaded plugin defines the id; the layout is then inferred from the
 * files alone. The plugins are loaded once per process.
 */
export async function competitionFacts(id: string, log?: Logger): Promise<CompetitionFacts | null> {
  registry ??= import('@aira/competitions')
    .then((m) => m.loadRegistry())
    .catch((err: unknown) => {
      log?.warn(
        { err: String(err) },
        'template agent: competition plugins did not load; layouts are inferred from the data',
      );
      return null;
    });
  const factory = (await registry)?.find(id);
  if (!factory) return null;
  const m = factory.manifest;
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
