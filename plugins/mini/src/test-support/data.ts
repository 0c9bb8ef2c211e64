import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MINI_IDS, type MiniId } from '../paths.js';
import { prepareMini, type PrepareResult } from '../prepare.js';

/**
 * One prepared data folder shared by the test files of this project (each runs in its own
 * process; preparation is idempotent and atomic, so whoever comes first prepares, the rest reuse).
 */
export const SHARED_DATA = join(tmpdir(), `aira-mini-tests-${process.getuid?.() ?? 0}`);

export async function preparedShared(id: MiniId): Promise<PrepareResult> {
  return prepareMini(id, { dataDir: SHARED_DATA });
}

export async function preparedAll(): Promise<Record<MiniId, PrepareResult>> {
  const out = {} as Record<MiniId, PrepareResult>;
  for (const id of MINI_IDS) out[id] = await preparedShared(id);
  return out;
}
