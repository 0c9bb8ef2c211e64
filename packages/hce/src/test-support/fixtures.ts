import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { loadRegistry, type Competition, type Registry } from '@aira/competitions';
import { SynthRng, synthCompetition } from '@aira/synth';
import { repoPlugins } from '@aira/testing';

/** A temp folder removed after the file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `aira-hce-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export { writeCsv, writeFile } from '@aira/synth';

/** Deterministic randomness for test data (@aira/synth's, under its own purpose label). */
export const fixtureRng = (seed: number) => new SynthRng(seed, 'fixture');

/** The five low-complexity MLE-bench-30 competitions whose split these tests check in detail. */
export const FIVE = [
  'aptos2019-blindness-detection',
  'mlsp-2013-birds',
  'new-york-city-taxi-fare-prediction',
  'nomad2018-predict-transparent-conductors',
  'spooky-author-identification',
];

/** The repository's competition registry (real manifests), loaded once per test file. */
let registry: Promise<Registry> | undefined;
export function competitions(): Promise<Registry> {
  registry ??= loadRegistry(repoPlugins());
  return registry;
}

/** A competition with @aira/synth's synthetic data in its prepared MLE-bench layout, bound to a temp data folder. */
export async function fixtureCompetition(id: string, data: string, n = 200, seed = 1): Promise<Competition> {
  await synthCompetition(id, data, { seed, size: n });
  return (await competitions()).create(id, { dataDir: data });
}
