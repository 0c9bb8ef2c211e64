#!/usr/bin/env node
// `npm run bench`: runs the parts of benchmarks/perf/*.bench.mjs in this process, prints every
// figure, then the project's goals (each figure with its ratio, the goal and whether it is met), and
// writes every figure to benchmarks/results/latest.json.
// Figures are ratios against a baseline measured in the same run, never fixed wall-clock times.
//
// Usage: npm run bench [-- --only PART[,PART…]] [--skip PART[,PART…]] [--list] [--rounds N]
//                        [--scale-workers N]
//   A part is FILE.NAME (e.g. grading.whole_process); a prefix picks several (`--only grading`,
//   `--only coordinator`). `coordinator.scale` (many workers in one coordinator) runs only when
//   named or with --scale-workers, so the default run stays a few minutes on a 2-core machine.
//   --rounds N: rounds of the parts that repeat: grading.whole_process runs each side N times
//   (default 1; the best counts), coordinator.dispatch pools N studies (default 2),
//   worker.stream judges the median of N rounds (default 5).
//   --worker-dir DIR: where coordinator.dispatch's worker daemons keep their folders (default: the
//   system's temporary folder, beside the coordinator's study). On a cluster a worker's folder is
//   on its own machine's disk; DIR on another file system (e.g. /dev/shm) measures that.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

function parseArgs(argv) {
  const opts = { only: [], skip: [], list: false, scaleWorkers: 0, rounds: 0, workerDir: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined || v === '') throw new Error(`bench: ${a} needs a value`);
      return v;
    };
    if (a === '--only' || a.startsWith('--only=')) opts.only.push(...value().split(','));
    else if (a === '--skip' || a.startsWith('--skip=')) opts.skip.push(...value().split(','));
    else if (a === '--list') opts.list = true;
    else if (a === '--scale-workers' || a.startsWith('--scale-workers=')) {
      opts.scaleWorkers = Number(value());
      if (!Number.isInteger(opts.scaleWorkers) || opts.scaleWorkers < 1)
        throw new Error(`bench: --scale-workers must be a positive integer`);
    } else if (a === '--rounds' || a.startsWith('--rounds=')) {
      opts.rounds = Number(value());
      if (!Number.isInteger(opts.rounds) || opts.rounds < 1)
        throw new Error(`bench: --rounds must be a positive integer`);
    } else if (a === '--worker-dir' || a.startsWith('--worker-dir=')) {
      opts.workerDir = value();
      if (!existsSync(opts.workerDir) || !statSync(opts.workerDir).isDirectory())
        throw new Error(`bench: --worker-dir ${opts.workerDir}: not a folder`);
    } else if (!a.startsWith('-'))
      opts.only.push(a); // the older form: a bare name filter
    else
      throw new Error(
        `bench: unknown flag ${a} (flags: --only, --skip, --list, --rounds, --scale-workers, --worker-dir)`,
      );
  }
  return opts;
}

const matches = (part, pats) =>
  pats.some(
    (p) => part === p || part.startsWith(`${p}.`) || (!p.includes('.') && part.split('.')[0].includes(p)),
  );

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(err.message);
  process.exit(2);
}

// Every part of every bench file: `export const parts = { name: async (ctx) => … }`.
const all = [];
for (const file of readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .sort()) {
  const mod = await import(pathToFileURL(join(here, file)).href);
  const stem = file.replace(/\.bench\.mjs$/, '');
  for (const [name, fn] of Object.entries(mod.parts ?? { run: mod.run }))
    all.push({ id: `${stem}.${name}`, fn, optIn: (mod.optIn ?? []).includes(name) });
}
if (opts.list) {
  for (const p of all) console.log(`${p.id}${p.optIn ? '   (only when named or with --scale-workers)' : ''}`);
  process.exit(0);
}
const chosen = all.filter((p) => {
  if (opts.skip.length && matches(p.id, opts.skip)) return false;
  if (opts.only.length)
    return matches(p.id, opts.only) && (!p.optIn || opts.only.includes(p.id) || opts.scaleWorkers > 0);
  return !p.optIn || opts.scaleWorkers > 0;
});
if (chosen.length === 0) {
  console.error(`bench: no part matches ${opts.only.join(',')} (parts: ${all.map((p) => p.id).join(', ')})`);
  process.exit(2);
}

const fmt = (v) => (typeof v === 'number' ? String(+v.toPrecision(4)) : String(v));
const figures = [];
const goals = [];
/** Benchmarks call report(name, value, unit, note?) for each figure. */
const report = (name, value, unit, note = '') => {
  figures.push({ name, value, unit, note });
  console.error(`  ${name} = ${fmt(value)} ${unit} ${note}`);
};
/**
 * A figure the project set a goal for: `measured` is what is printed (e.g. "p50/p99 12/30 ms"),
 * `ratio` the number compared with the goal, `met` whether it is.
 */
const goal = (figure, target, measured, met) => goals.push({ figure, target, measured, met });

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const uptime = () => {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${load()}`;
  }
};
/**
 * Waits (at most 20 s) until the CPUs are mostly idle: a part that starts while the kernel still
 * tears down the previous part's sandboxes (network namespaces, cgroups) measures that instead.
 */
async function settle() {
  const sample = () => {
    try {
      const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      return { idle: f[3] + (f[4] ?? 0), total: f.reduce((a, b) => a + b, 0) };
    } catch {
      return null;
    }
  };
  const t0 = performance.now();
  let calm = 0;
  while (performance.now() - t0 < 20_000 && calm < 2) {
    const a = sample();
    await new Promise((r) => setTimeout(r, 250));
    const b = sample();
    if (!a || !b) return 0;
    calm = (b.idle - a.idle) / Math.max(1, b.total - a.total) >= 0.8 ? calm + 1 : 0;
  }
  return (performance.now() - t0) / 1000;
}

const startedAt = new Date();
const loadBefore = uptime();
console.error(`bench: ${chosen.map((p) => p.id).join(', ')}\nbench: ${loadBefore}`);
for (const part of chosen) {
  const waited = await settle();
  console.error(`bench: ${part.id}  (load ${load()}; waited ${waited.toFixed(1)} s for idle CPUs)`);
  const t0 = performance.now();
  try {
    await part.fn({
      report,
      goal,
      root,
      scaleWorkers: opts.scaleWorkers,
      rounds: opts.rounds || undefined,
      workerDir: opts.workerDir,
    });
  } catch (err) {
    console.error(`bench ${part.id} failed:`, err);
    figures.push({ name: `${part.id}.error`, value: String(err?.message ?? err), unit: 'error', note: '' });
    goals.push({
      figure: part.id,
      target: '(ran)',
      measured: `failed: ${String(err?.message ?? err).split('\n')[0]}`,
      met: false,
    });
    process.exitCode = 1;
  }
  console.error(`bench: ${part.id} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const loadAfter = uptime();

const pad = (s, n) => String(s).padEnd(n);
console.log(`\n${pad('figure', 58)} ${pad('value', 14)} unit`);
console.log('-'.repeat(90));
for (const f of figures)
  console.log(`${pad(f.name, 58)} ${pad(fmt(f.value), 14)} ${f.unit}${f.note ? `  (${f.note})` : ''}`);

if (goals.length) {
  console.log(`\nGoals (ratios against baselines measured in this run; ${cpus().length} CPUs)`);
  console.log(`load before: ${loadBefore}\nload after:  ${loadAfter}\n`);
  const w = [
    Math.max(6, ...goals.map((g) => g.figure.length)),
    Math.max(4, ...goals.map((g) => g.target.length)),
    Math.max(8, ...goals.map((g) => g.measured.length)),
  ];
  console.log(`| ${pad('figure', w[0])} | ${pad('goal', w[1])} | ${pad('measured', w[2])} | met |`);
  console.log(`|${'-'.repeat(w[0] + 2)}|${'-'.repeat(w[1] + 2)}|${'-'.repeat(w[2] + 2)}|-----|`);
  for (const g of goals)
    console.log(
      `| ${pad(g.figure, w[0])} | ${pad(g.target, w[1])} | ${pad(g.measured, w[2])} | ${g.met ? 'yes' : 'NO '} |`,
    );
}

const out = join(here, '../results');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'latest.json'),
  JSON.stringify(
    {
      date: startedAt.toISOString(),
      parts: chosen.map((p) => p.id),
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        memory_bytes: totalmem(),
        node: process.version,
        load_before: loadBefore,
        load_after: loadAfter,
      },
      figures,
      goals,
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nwrote benchmarks/results/latest.json (${figures.length} figures)`);
