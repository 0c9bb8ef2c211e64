import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseWith } from '@aira/core';
import { competitionDir, type MiniId } from './paths.js';

/** baseline.json beside each manifest, written by tools/make-leaderboards.py. */
const BaselineSchema = z.strictObject({
  competition: z.string(),
  model: z.string().min(1),
  score: z.number(),
  lowerIsBetter: z.boolean(),
  note: z.string().optional(),
});
export type MiniBaseline = z.output<typeof BaselineSchema>;

export function readBaseline(file: string): MiniBaseline {
  return parseWith(BaselineSchema, JSON.parse(readFileSync(file, 'utf8')), file);
}

/**
 * The competition's trivial baseline on its test split (majority class, class prior, constant 0.5
 * or the train mean): a final pick that does not beat it has learnt nothing.
 */
export function miniBaseline(id: MiniId): MiniBaseline {
  return readBaseline(join(competitionDir(id), 'baseline.json'));
}
