#!/usr/bin/env node
// Prepares the mini suite's data from the installed Debian files (MLE-bench's layout).
//   node plugins/mini/bin/mini-prepare.mjs [ID ... | all] [--data DIR] [--force] [--verify]
// Default data folder: AIRA_MINI_DATA, else ~/.cache/aira/mini. Needs the built package (npm run build).
import { existsSync } from 'node:fs';

const dist = new URL('../dist/index.js', import.meta.url);
if (!existsSync(dist)) {
  console.error('mini-prepare: plugins/mini is not built; run `npm run build` at the repository root first');
  process.exit(1);
}
const { MINI_IDS, prepareMini, verifyPrepared, miniDataDir } = await import(dist.href);

const args = process.argv.slice(2);
let dataDir;
const ids = [];
let force = false;
let verify = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--data') dataDir = args[++i];
  else if (a.startsWith('--data=')) dataDir = a.slice(7);
  else if (a === '--force') force = true;
  else if (a === '--verify') verify = true;
  else if (a === '-h' || a === '--help') {
    console.log('usage: mini-prepare.mjs [ID ... | all] [--data DIR] [--force] [--verify]');
    process.exit(0);
  } else if (a.startsWith('-')) {
    console.error(`mini-prepare: unknown option ${a}`);
    process.exit(2);
  } else ids.push(a);
}
if (dataDir === undefined && args.includes('--data')) {
  console.error('mini-prepare: --data needs a folder');
  process.exit(2);
}
const todo = ids.length === 0 || ids.includes('all') ? [...MINI_IDS] : ids;
let failed = false;
for (const id of todo) {
  const t = Date.now();
  try {
    const r = await prepareMini(id, { dataDir: dataDir ?? miniDataDir(), force });
    let note = r.skipped ? 'already prepared' : `prepared in ${((Date.now() - t) / 1000).toFixed(1)}s`;
    if (verify) {
      const bad = await verifyPrepared(r.prepared);
      note += bad.length ? `; MODIFIED: ${bad.join(', ')}` : '; verified';
      failed ||= bad.length > 0;
    }
    console.log(`${id}: ${note} → ${r.prepared}`);
  } catch (err) {
    failed = true;
    console.error(`${id}: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  }
}
process.exit(failed ? 1 : 0);
