import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import {
  checkData,
  formatProblem,
  loadPlugin,
  readSuiteFile,
  resolvePluginSpec,
  scaffoldFiles,
  shownPath,
  writeScaffold,
  type Competition,
  type PluginProblem,
  type Registry,
} from '@aira/competitions';
import { ConfigError } from '@aira/core';
import { INSTALL_ROOT, loadCompetitions, PLUGINS_DIR } from '../plugins.js';

/** `--plugin` may be given many times. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function pluginOption(): Option {
  return new Option(
    '--plugin <path>',
    'extra plugin: a folder, a manifest file or an npm package (repeatable; also AIRA_PLUGINS)',
  ).argParser(collect);
}

export async function openRegistry(plugins: string[] = []): Promise<Registry> {
  return loadCompetitions(plugins);
}

/** Plugin problems go to stderr, one line each: the command still works with what loaded. */
export function reportProblems(problems: readonly PluginProblem[]): void {
  if (!problems.length) return;
  console.error(
    `aira: ${problems.length} plugin problem${problems.length === 1 ? '' : 's'} (those competitions are not loaded):`,
  );
  for (const p of problems) console.error(`  ${formatProblem(p)}`);
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const unitText = (u: { by: string; column?: string; window?: string; note?: string }) =>
  u.by === 'row'
    ? 'row'
    : u.by === 'column'
      ? u.column!
      : u.by === 'time'
        ? `${u.column} (${u.window} windows)`
        : u.note!;

export function register(program: Command): void {
  const cmd = program
    .command('competitions')
    .description('competitions defined by plugins: list, show, validate, scaffold');

  cmd
    .command('list')
    .description('list the competitions every plugin defines, or those of one suite')
    .option('--suite <name|file>', 'only the competitions of this suite (a name, or a suite .yaml file)')
    .option('--json', 'machine-readable output')
    .addOption(pluginOption())
    .action(async (opts: { suite?: string; json?: boolean; plugin?: string[] }) => {
      const reg = await openRegistry(opts.plugin);
      const suite = opts.suite ? reg.resolveSuite(opts.suite) : undefined;
      const factories = suite
        ? suite.competitions
        : [...reg.factories].sort((a, b) => a.id.localeCompare(b.id));
      if (opts.json) {
        console.log(
          JSON.stringify(
            {
              suite: suite && {
                name: suite.suite.name,
                file: suite.suite.file,
                ids: suite.ids,
                unresolved: suite.unresolved,
              },
              competitions: factories.map((f) => ({
                id: f.id,
                plugin: f.plugin.name,
                name: f.manifest.name,
                metric: f.manifest.metric,
                direction: f.manifest.direction,
                task: f.manifest.data.task,
                manifest: f.manifestFile,
              })),
              problems: reg.problems,
            },
            null,
            2,
          ),
        );
      } else {
        const rows = [['ID', 'PLUGIN', 'TASK', 'BETTER', 'SPLIT UNIT', 'LEAKS']];
        for (const f of factories) {
          const m = f.manifest;
          rows.push([
            f.id,
            f.plugin.name,
            m.data.task,
            m.direction === 'higher-is-better' ? 'higher' : 'lower',
            clip(unitText(m.split.unit), 36),
            m.leaks.length ? String(m.leaks.length) : '-',
          ]);
        }
        if (suite)
          console.log(
            `suite ${suite.suite.name} (${shownPath(suite.suite.file)}): ${suite.ids.length} competitions`,
          );
        console.log(table(rows));
        if (!suite)
          console.log(
            `${factories.length} competitions; suites: ${[...reg.suites.keys()].sort().join(', ') || 'none'}`,
          );
        for (const u of suite?.unresolved ?? [])
          console.error(`aira: suite ${suite!.suite.name}: ${u.id}: ${u.reason}`);
      }
      if (!opts.json) reportProblems(reg.problems);
      if (suite?.unresolved.length) process.exitCode = 1;
    });

  cmd
    .command('show')
    .description('one competition: manifest, paths, leaderboard thresholds and data status')
    .argument('<id>', 'competition id')
    .option(
      '--data <dir>',
      'MLE-bench data folder (default: AIRA_MLEBENCH_DATA, else ~/.cache/mle-bench/data)',
    )
    .option(
      '--registry <dir>',
      'MLE-bench registry folder (default: AIRA_MLEBENCH_DIR, else ../shared/mlebench)',
    )
    .option('--json', 'machine-readable output')
    .addOption(pluginOption())
    .action(
      async (id: string, opts: { data?: string; registry?: string; json?: boolean; plugin?: string[] }) => {
        const reg = await openRegistry(opts.plugin);
        const c = reg.create(id, { dataDir: opts.data, registryDir: opts.registry });
        const data = await checkData(c, { quick: true });
        const thresholds = leaderboardSummary(c);
        if (opts.json) {
          console.log(
            JSON.stringify(
              {
                id: c.id,
                plugin: c.plugin,
                manifest: c.manifest,
                paths: c.paths,
                leaderboard: c.leaderboard,
                thresholds,
                data,
              },
              null,
              2,
            ),
          );
          return;
        }
        const m = c.manifest;
        const lines: Array<[string, string]> = [
          ['id', c.id],
          ['name', m.name],
          ['plugin', `${c.plugin} (${shownPath(c.paths.manifest)})`],
          ['metric', `${m.metric} (${m.direction})`],
          ['task', `${m.data.task}; ${m.data.modality.join(', ')}`],
          ['labelled', m.data.labelled.join(', ')],
          ['ids / labels', `${m.data.ids.columns.join(', ')} / ${m.data.labels.columns.join(', ')}`],
          [
            'split',
            `${m.split.method}; unit ${unitText(m.split.unit)}${m.split.strictUnit ? ` (leak-free: ${unitText(m.split.strictUnit)})` : ''}; ${fractions(m.split.fractions)}${m.split.stratify ? `; stratified by ${m.split.stratify}` : ''}`,
          ],
          [
            'grader',
            m.grader.kind === 'builtin'
              ? `built-in (${m.grader.competition ?? c.id})`
              : m.grader.kind === 'python'
                ? `python ${m.grader.script}`
                : `code ${m.grader.export}()`,
          ],
        ];
        if (m.split.mlebench) lines.push(['mlebench split', m.split.mlebench]);
        for (const l of m.leaks)
          lines.push([
            'leak',
            `${l.scope}: ${l.action} ${l.files.join(', ')}${l.columns ? ` [${l.columns.join(', ')}]` : ''}: ${l.reason}${l.ref ? ` (${l.ref})` : ''}`,
          ]);
        for (const k of m.knownIssues) lines.push(['known issue', `${k.summary} (${k.ref})`]);
        lines.push(['leaderboard', thresholds.text]);
        lines.push(['data', `${data.state}: ${data.detail}`]);
        if (data.fix) lines.push(['prepare with', data.fix]);
        lines.push(['prepared', c.paths.prepared]);
        const w = Math.max(...lines.map(([k]) => k.length));
        for (const [k, v] of lines) console.log(`${k.padEnd(w)}  ${v}`);
      },
    );

  cmd
    .command('validate')
    .description(
      'validate a plugin (a folder with one or many competitions, or a manifest file); exit 1 when invalid',
    )
    .argument('<path>', 'plugin folder or manifest file')
    .option('--json', 'machine-readable output')
    .action(async (path: string, opts: { json?: boolean }) => {
      const info = resolvePluginSpec(path, process.cwd(), [INSTALL_ROOT]);
      if ('message' in info) throw new ConfigError(formatProblem(info));
      const single = existsSync(resolve(path)) && statSync(resolve(path)).isFile();
      const loaded = await loadPlugin(info);
      const problems = [...loaded.problems];
      for (const f of loaded.suiteFiles) problems.push(...readSuiteFile(f, info.name).problems);
      const comps = single
        ? loaded.competitions.filter((c) => c.manifestFile === resolve(path))
        : loaded.competitions;
      const mine = single
        ? problems.filter((p) => p.file === resolve(path) || p.file.startsWith(join(info.dir, '/')))
        : problems;
      if (opts.json) {
        console.log(
          JSON.stringify(
            { valid: mine.length === 0, competitions: comps.map((c) => c.manifest.id), problems: mine },
            null,
            2,
          ),
        );
      } else if (mine.length) {
        const byFile = new Map<string, PluginProblem[]>();
        for (const p of mine) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
        for (const [file, ps] of byFile) {
          console.error(`✖ ${shownPath(file)}: invalid`);
          for (const p of ps)
            console.error(`  ✖ ${p.field ?? '(file)'}${p.line ? ` (line ${p.line})` : ''}: ${p.message}`);
        }
        if (comps.length)
          console.error(
            `(${comps.length} other competition${comps.length === 1 ? '' : 's'} valid: ${comps.map((c) => c.manifest.id).join(', ')})`,
          );
      } else {
        console.log(
          `✓ ${comps.length} competition${comps.length === 1 ? '' : 's'} valid: ${comps.map((c) => c.manifest.id).join(', ')}`,
        );
      }
      if (mine.length) process.exitCode = 1;
    });

  cmd
    .command('new')
    .description(
      'scaffold a competition plugin that validates, with a test that fails until the grader is written',
    )
    .argument('<name>', 'competition id (letters, digits, ".", "_", "-")')
    .option('--dir <dir>', 'folder to create (default: plugins/<name> in this repository)')
    .option('--title <text>', 'display name (default: from the id)')
    .action(async (name: string, opts: { dir?: string; title?: string }) => {
      const dir = resolve(opts.dir ?? join(PLUGINS_DIR, name));
      const files = scaffoldFiles(name, opts.title);
      writeScaffold(dir, files);
      const shown = shownPath(dir) || '.';
      console.log(`created ${shown}/ with ${Object.keys(files).join(', ')}`);
      console.log(
        `next: describe the data in manifest.json, write grade() in index.ts, make index.test.ts pass;`,
      );
      console.log(`      check with: aira competitions validate ${shown}`);
    });
}

/** Drops float noise (a median of 3.3280000000000003 prints as 3.328). */
const num = (x: number) => String(Number(x.toPrecision(12)));

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function fractions(f: { train: number; search: number; validation: number }): string {
  const pct = (x: number) => `${Math.round(x * 1000) / 10}`;
  return `train/search/validation ${pct(f.train)}/${pct(f.search)}/${pct(f.validation)}`;
}

/** Medal thresholds and team count from the competition's leaderboard, in words. */
function leaderboardSummary(c: Competition): {
  text: string;
  thresholds?: Record<string, number>;
  teams?: number;
} {
  if (!c.leaderboard) return { text: 'none' };
  if (!existsSync(c.leaderboard.file)) return { text: `missing: ${c.leaderboard.file}` };
  const t = c.thresholds()!;
  const approx = c.leaderboard.exact ? '' : ' (approximate leaderboard)';
  return {
    text: `${t.teams} teams; gold ${num(t.gold)}, silver ${num(t.silver)}, bronze ${num(t.bronze)}, median ${num(t.median)} (${t.lowerIsBetter ? 'lower' : 'higher'} is better)${approx}`,
    thresholds: { gold: t.gold, silver: t.silver, bronze: t.bronze, median: t.median },
    teams: t.teams,
  };
}
