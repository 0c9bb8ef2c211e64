import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkData, shownPath, type DataStatus } from '@aira/competitions';
import { ConfigError, UserError } from '@aira/core';
import { synthCompetition, synthIds } from '@aira/synth';
import { openRegistry, pluginOption, reportProblems, table } from './competitions.js';

export function register(program: Command): void {
  const data = program.command('data').description('prepared competition data');
  data
    .command('check')
    .description(
      "is each competition's prepared data present and equal to MLE-bench's checksums? prints the command that fixes what is not; exit 1 unless all are ok",
    )
    .argument('[ids...]', 'competition ids (instead of, or besides, --suite)')
    .option('--suite <name|file>', 'check every competition of this suite')
    .option(
      '--data <dir>',
      'MLE-bench data folder (default: AIRA_MLEBENCH_DATA, else ~/.cache/mle-bench/data)',
    )
    .option(
      '--registry <dir>',
      'MLE-bench registry folder with checksums (default: AIRA_MLEBENCH_DIR, else ../shared/mlebench)',
    )
    .option('--quick', 'check that the files are there, without hashing them')
    .option('--json', 'machine-readable output')
    .addOption(pluginOption())
    .action(
      async (
        ids: string[],
        opts: {
          suite?: string;
          data?: string;
          registry?: string;
          quick?: boolean;
          json?: boolean;
          plugin?: string[];
        },
      ) => {
        if (!opts.suite && ids.length === 0)
          throw new ConfigError('name a suite (--suite mlebench-30) or competition ids');
        const reg = await openRegistry(opts.plugin);
        const wanted: string[] = [];
        const statuses: DataStatus[] = [];
        if (opts.suite) {
          const s = reg.resolveSuite(opts.suite);
          wanted.push(...s.ids);
        }
        for (const id of ids) if (!wanted.includes(id)) wanted.push(id);
        const unknown: Array<{ id: string; reason: string }> = [];
        for (const id of wanted) {
          if (!reg.find(id)) {
            unknown.push({ id, reason: reg.whyMissing(id) });
            continue;
          }
          const c = reg.create(id, { dataDir: opts.data, registryDir: opts.registry });
          statuses.push(await checkData(c, { quick: opts.quick }));
        }
        const dataDir = reg.find(wanted.find((id) => reg.find(id)) ?? '')?.create({ dataDir: opts.data })
          .paths.dataDir;
        if (opts.json) {
          console.log(JSON.stringify({ data: dataDir, competitions: statuses, unknown }, null, 2));
        } else {
          if (dataDir) console.log(`data: ${dataDir}`);
          const rows = [['COMPETITION', 'STATUS', 'DETAIL']];
          for (const s of statuses) rows.push([s.id, s.state, s.detail]);
          for (const u of unknown) rows.push([u.id, 'unknown', u.reason]);
          console.log(table(rows));
          const count = (st: string) => statuses.filter((s) => s.state === st).length;
          const summary = ['ok', 'unverified', 'missing', 'incomplete', 'mismatch']
            .filter((st) => count(st))
            .map((st) => `${count(st)} ${st}`);
          if (unknown.length) summary.push(`${unknown.length} unknown`);
          console.log(summary.join(', '));
          const fixes = statuses.filter((s) => s.state !== 'ok' && s.state !== 'unverified');
          if (fixes.length) {
            console.log('to prepare what is missing or wrong:');
            for (const s of fixes)
              console.log(
                `  ${s.fix ?? `# ${s.id}: its manifest names no prepare command; put the files under ${shownPath(s.prepared)}`}`,
              );
          }
          reportProblems(reg.problems.filter((p) => !p.competition || wanted.includes(p.competition)));
        }
        if (unknown.length || statuses.some((s) => s.state !== 'ok' && s.state !== 'unverified'))
          process.exitCode = 1;
      },
    );
  data
    .command('synth')
    .description(
      "write small, invented data in each competition's exact MLE-bench prepared layout (<out>/<id>/prepared/{public,private}), " +
        'to try a suite end to end before spending GPU-days: then run with AIRA_MLEBENCH_DATA=<out>',
    )
    .option(
      '--competition <id>',
      'a competition id (repeatable, or comma-separated)',
      (v: string, acc: string[] = []) => [...acc, ...v.split(',').filter(Boolean)],
    )
    .option('--suite <name|file>', 'every competition of this suite (e.g. mlebench-30)')
    .option('--out <dir>', 'data folder to write (as for --data / AIRA_MLEBENCH_DATA)')
    .option('--seed <n>', 'seed of the invented values (same seed, same bytes)', '0')
    .option('--size <n>', 'labelled units (rows, images, patients...) in each train part', '200')
    .addOption(pluginOption())
    .action(
      async (opts: {
        competition?: string[];
        suite?: string;
        out?: string;
        seed: string;
        size: string;
        plugin?: string[];
      }) => {
        if (!opts.out) throw new ConfigError('data synth: --out DIR is required (the data folder to write)');
        if (!opts.suite && !opts.competition?.length)
          throw new ConfigError(
            'data synth: name competitions (--competition ID) or a suite (--suite mlebench-30)',
          );
        const seed = wholeNumber(opts.seed, '--seed', 0);
        const size = wholeNumber(opts.size, '--size', 10);
        const reg = await openRegistry(opts.plugin);
        const wanted = [
          ...(opts.suite ? reg.resolveSuite(opts.suite).ids : []),
          ...(opts.competition ?? []),
        ].filter((id, i, all) => all.indexOf(id) === i);
        const writers = new Set(synthIds());
        const rows = [['COMPETITION', 'RESULT', 'DETAIL']];
        let failed = 0;
        for (const id of wanted) {
          if (!reg.find(id)) {
            rows.push([id, 'unknown', reg.whyMissing(id)]);
            failed++;
            continue;
          }
          if (!writers.has(id)) {
            rows.push([id, 'no writer', 'no synthetic-data writer for this competition yet']);
            failed++;
            continue;
          }
          try {
            rows.push([id, 'written', shownPath(await synthCompetition(id, opts.out, { seed, size }))]);
          } catch (err) {
            if (!(err instanceof UserError)) throw err;
            rows.push([id, 'failed', err.message]);
            failed++;
          }
        }
        console.log(table(rows));
        console.log(
          `${wanted.length - failed} of ${wanted.length} written (seed ${seed}, size ${size}); this data is invented: scores on it say nothing about a solution`,
        );
        if (wanted.length > failed)
          console.log(
            `next: AIRA_MLEBENCH_DATA=${resolve(opts.out)} aira run ${opts.suite ? `--suite ${opts.suite}` : `--competition ${wanted[0]}`} ...`,
          );
        if (failed) process.exitCode = 1;
      },
    );
}

function wholeNumber(v: string, flag: string, min: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min)
    throw new ConfigError(`data synth: ${flag} must be a whole number of at least ${min}, got "${v}"`);
  return n;
}
