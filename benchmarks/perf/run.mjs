#!/usr/bin/env node
// `npm run bench`: runs every benchmarks/perf/*.bench.mjs in this process, prints one table and
// writes every figure (stable name, unit, value) to benchmarks/results/latest.json.
// Figures are compared with a baseline measured in the same run, never with fixed wall-clock times.
// Usage: npm run bench [-- NAME_FILTER ...]
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const figures = [];
/** Benchmarks call report(name, value, unit, note?) for each figure. */
const report = (name, value, unit, note = '') => {
  figures.push({ name, value, unit, note });
  console.error(`  ${name} = ${typeof value === 'number' ? +value.toPrecision(6) : value} ${unit} ${note}`);
};

for (const file of files) {
  console.error(`bench: ${file}`);
  const mod = await import(pathToFileURL(join(here, file)).href);
  try {
    await mod.run({ report, root: fileURLToPath(new URL('../..', import.meta.url)) });
  } catch (err) {
    console.error(`bench ${file} failed:`, err);
    figures.push({ name: `${file}.error`, value: String(err?.message ?? err), unit: 'error', note: '' });
    process.exitCode = 1;
  }
}

const pad = (s, n) => String(s).padEnd(n);
console.log(`\n${pad('figure', 58)} ${pad('value', 14)} unit`);
console.log('-'.repeat(90));
for (const f of figures) console.log(`${pad(f.name, 58)} ${pad(typeof f.value === 'number' ? +f.value.toPrecision(6) : f.value, 14)} ${f.unit}${f.note ? `  (${f.note})` : ''}`);

const out = join(here, '../results');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'latest.json'),
  JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memory_bytes: totalmem(), node: process.version }, figures }, null, 2) + '\n',
);
console.log(`\nwrote benchmarks/results/latest.json (${figures.length} figures)`);
