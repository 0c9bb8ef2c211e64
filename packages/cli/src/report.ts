import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from '@aira/competitions';
import type { Baseline, ReportOptions } from '@aira/report';
import { describeAgent } from './agents.js';
import { loadCompetitions } from './plugins.js';

/**
 * What the cli tells the report beyond the journals: agents' plain names, and each competition's
 * trivial baseline from `baseline.json` beside its manifest (plugins/mini ships one).
 */
export async function reportOptions(): Promise<ReportOptions> {
  let registry: Registry | null = null;
  try {
    registry = await loadCompetitions();
  } catch {
    /* no plugins to read baselines from: the report says "–" */
  }
  return {
    describeAgent,
    baseline: (id) => {
      try {
        const file = join(registry!.get(id).create().paths.dir, 'baseline.json');
        return existsSync(file) ? parseBaseline(JSON.parse(readFileSync(file, 'utf8'))) : null;
      } catch {
        return null;
      }
    },
  };
}

function parseBaseline(doc: unknown): Baseline | null {
  const d = doc as { score?: unknown; lowerIsBetter?: unknown; model?: unknown };
  if (typeof d.score !== 'number' || typeof d.lowerIsBetter !== 'boolean') return null;
  return {
    score: d.score,
    lowerIsBetter: d.lowerIsBetter,
    model: typeof d.model === 'string' ? d.model : 'baseline',
  };
}
