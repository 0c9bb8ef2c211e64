import type { Block } from './blocks.js';
import { fmt1, fmtDuration, fmtMeanSe, fmtScore, fmtSigned, fmtTestMeanSe } from './format.js';
import { PAPER_TABLE1, PAPER_TABLE1_HOURS } from '../paper.js';
import type { PaperRow } from '../matrix/schema.js';
import type { AblationReport, Table1Row } from './types.js';

const PLOTS = {
  prOverTime: 'plots/pr-over-time.svg',
  fig3: 'plots/fig3-compute.svg',
  testOverTime: 'plots/test-over-time.svg',
} as const;
export const PLOT_FILES = PLOTS;

const cpLabels = (r: AblationReport) => r.matrix.checkpoints.map((c) => c.label);

function variantLine(r: AblationReport, name: string): string {
  const v = r.matrix.variants.find((x) => x.name === name)!;
  return v.description ? `${name}: ${v.description}` : name;
}

function header(r: AblationReport): Block[] {
  const m = r.matrix;
  const s = r.sizes;
  const items = [
    `Matrix: ${m.file ? `\`${m.file}\`` : '(built in code)'}${m.description ? `: ${m.description}` : ''}.`,
    `Sizes: ${s.variants} variants × ${s.competitions} competitions${m.suite ? ` (suite \`${m.suite}\`)` : ''}` +
      ` × ${s.seeds} seeds (${m.seeds.join(', ')}) = ${s.cells} cells (runs); ` +
      `${fmtDuration(m.budgetMs)} of active time per cell; ` +
      `checkpoints ${m.checkpoints.map((c) => `${c.label} (${fmtDuration(c.ms)})`).join(', ')}; ` +
      `${s.workerHours.toFixed(2)} ${r.computeUnit} in all.`,
    `Launch order: ${(m.order ?? 'variant-major') === 'variant-major' ? "variant-major (one variant's cells after another's, so a change in the machine's load over the study falls on some variants more than on others)" : 'interleaved (seed, then competition, then variant)'}.`,
    `Progress: ${r.progress.ended} of ${s.cells} cells ended, ${r.progress.running} under way or interrupted, ${r.progress.pending} not started.${r.progress.ended < s.cells ? ' Tables count only cells that have reached each checkpoint (n says how many).' : ''}`,
    `Percentile ranks and medals are computed against each competition's ${r.leaderboard}, with MLE-bench's ` +
      "medal rules (docs/mlebench-grading.md §Medals) and AIRA's Percentile Rank " +
      '(docs/mlebench-grading.md §Percentile rank).',
  ];
  for (const l of r.launches) {
    const load = l.load
      ? `load average ${l.load.mean} (max ${l.load.max}) over the launch`
      : `load average ${l.loadStart.join(' / ')} at the start`;
    items.push(
      `Launch ${l.startedAt}${l.endedAt ? ` → ${l.endedAt}` : ' (did not finish)'}: \`${l.command}\` ` +
        `on ${l.host.hostname} (${l.host.cpus} CPUs, ${l.host.memoryGiB} GiB, Node ${l.host.node}); ${load}` +
        (l.ran !== undefined
          ? `; ran ${l.ran}, resumed ${l.resumed}, skipped ${l.skipped}${l.failed ? `, failed ${l.failed}` : ''} cells`
          : '') +
        '.',
    );
  }
  const blocks: Block[] = [
    { kind: 'h1', text: `Ablation study ${r.studyId}` },
    { kind: 'ul', items },
  ];
  if (r.unprotectedCells > 0) {
    blocks.push({
      kind: 'p',
      tone: 'warn',
      text:
        `**Protection: ${r.unprotectedCells} of the ${r.sizes.cells - r.progress.pending} cells that ran had ` +
        'workers without a protecting sandbox**: candidate code could have read the hidden answers on this ' +
        'machine, so their scores are marked unprotected (nothing stopped it, though the template agent does ' +
        'not look for them).',
    });
  }
  return blocks;
}

function variantsTable(r: AblationReport): Block[] {
  const load = Object.values(r.variantLoad ?? {}).some((x) => x !== null);
  return [
    { kind: 'h2', text: 'Variants' },
    {
      kind: 'table',
      head: [
        'variant',
        'workers',
        'agent',
        'search',
        'HCE',
        'budget',
        'per-exec cap',
        ...(r.matrix.paper ? ['paper row'] : []),
        ...(load ? ['machine load while its cells ran'] : []),
        'overrides of base',
      ],
      rows: r.matrix.variants.map((v) => [
        `**${v.name}**`,
        String(v.localWorkers ?? 'own'),
        v.agent,
        v.policy,
        v.hce,
        fmtDuration(v.budgetMs) + (v.maxJobs ? ` or ${v.maxJobs} jobs` : ''),
        fmtDuration(v.perExecMs),
        ...(r.matrix.paper ? [v.paper ? PAPER_TABLE1[v.paper as PaperRow].label : '–'] : []),
        ...(load
          ? [
              r.variantLoad[v.name]
                ? `${r.variantLoad[v.name]!.mean.toFixed(1)} (${r.variantLoad[v.name]!.samples} samples)`
                : '–',
            ]
          : []),
        Object.keys(v.overrides).length ? `\`${JSON.stringify(v.overrides)}\`` : '(none)',
      ]),
    },
    ...r.matrix.variants
      .filter((v) => v.description)
      .map((v): Block => ({ kind: 'p', text: variantLine(r, v.name) })),
  ];
}

function rowOf(r: AblationReport, variant: string, checkpoint: string): Table1Row {
  return r.table1.find((t) => t.variant === variant && t.checkpoint === checkpoint)!;
}

function table1(r: AblationReport): Block[] {
  const cps = cpLabels(r);
  const hasPaper = r.table1.some((t) => t.paper);
  const rows: string[][] = [];
  for (const v of r.matrix.variants) {
    const t = cps.map((c) => rowOf(r, v.name, c));
    rows.push([
      `**${v.name}**`,
      ...t.map((x) => fmtMeanSe(x.pr)),
      t.map((x) => fmt1(x.medals.bronzePlus)).join(' / '),
      t.map((x) => fmt1(x.medals.silverPlus)).join(' / '),
      t.map((x) => fmt1(x.medals.gold)).join(' / '),
      t.map((x) => `${x.n}/${x.expected}`).join(' / '),
    ]);
    if (hasPaper && v.paper) {
      rows.push([
        `*paper: ${PAPER_TABLE1[v.paper as PaperRow].label}*`,
        ...t.map((x) => (x.paper ? `*${x.paper.pr.mean.toFixed(1)} ± ${x.paper.pr.se.toFixed(1)}*` : '–')),
        `*${t.map((x) => (x.paper ? x.paper.bronzePlus.toFixed(1) : '–')).join(' / ')}*`,
        `*${t.map((x) => (x.paper ? x.paper.silverPlus.toFixed(1) : '–')).join(' / ')}*`,
        `*${t.map((x) => (x.paper ? x.paper.gold.toFixed(1) : '–')).join(' / ')}*`,
        '–',
      ]);
    }
  }
  const bySeed: string[][] = r.matrix.variants.map((v) => {
    const t = cps.map((c) => rowOf(r, v.name, c));
    return [
      `**${v.name}**`,
      ...(['bronzePlus', 'silverPlus', 'gold'] as const).map((k) =>
        t.map((x) => fmtMeanSe(x.medalsBySeed[k])).join(' / '),
      ),
      t.map((x) => String(x.medalsBySeed.seeds.length)).join(' / '),
    ];
  });
  const cpList = cps.join(' / ');
  const blocks: Block[] = [
    { kind: 'h2', text: "Table 1: Percentile Rank and medal rates (the paper's format)" },
    {
      kind: 'table',
      head: [
        'variant',
        ...cps.map((c) => `PR ${c}`),
        `Bronze+ % (${cpList})`,
        `Silver+ % (${cpList})`,
        `Gold % (${cpList})`,
        `n (${cpList})`,
      ],
      rows,
      align: ['l', ...cps.map(() => 'r' as const), 'r', 'r', 'r', 'r'],
      caption:
        'PR: mean Percentile Rank, ± the standard error over all (competition, seed) values (sample SD / √n), ' +
        "as the paper computes Table 1's ± (docs/paper.md §Metrics). Medal rates: % of all (competition, seed) " +
        'values with that medal or better (Bronze+ = any medal), as the paper gives them (no ±). ' +
        'n: values counted of those the matrix has.' +
        (hasPaper
          ? " Italic rows: the paper's published numbers (docs/paper.md §Table 1; 3 seeds × 30 tasks) at the same cut-offs."
          : ''),
    },
    {
      kind: 'table',
      head: [
        'variant',
        `Bronze+ % (${cpList})`,
        `Silver+ % (${cpList})`,
        `Gold % (${cpList})`,
        `seeds (${cpList})`,
      ],
      rows: bySeed,
      align: ['l', 'r', 'r', 'r', 'r'],
      caption:
        'Medal rates the MLE-bench way (docs/mlebench-grading.md §Aggregates, aggregate_grading_reports.py): ' +
        `for each seed, the % of the ${r.sizes.competitions} competitions with that medal or better; then ` +
        'mean ± SE across seeds (ddof = 1), over complete seeds only (seeds with a value for every competition).',
    },
  ];
  return blocks;
}

function gapsTable(r: AblationReport): Block[] {
  if (r.gaps.length === 0) return [];
  const cps = cpLabels(r);
  const last = cps[cps.length - 1]!;
  const hasPaper = r.gaps.some((g) => g.paper !== null);
  const rows = r.matrix.variants
    .filter((v) => v.name !== r.reference)
    .map((v) => {
      const g = cps.map((c) => r.gaps.find((x) => x.variant === v.name && x.checkpoint === c)!);
      const t = g[g.length - 1]!.test;
      return [
        `**${v.name}**`,
        ...g.map((x) => `${fmtSigned(x.pr)} (${x.pr.n})`),
        `${t.better} / ${t.same} / ${t.worse}${t.missing ? ` (+${t.missing} without a pick)` : ''}`,
        ...(hasPaper
          ? [
              g
                .map((x) =>
                  x.paper === null ? '–' : `${x.paper >= 0 ? '+' : '−'}${Math.abs(x.paper).toFixed(1)}`,
                )
                .join(' / '),
            ]
          : []),
      ];
    });
  return [
    { kind: 'h2', text: `Gaps against ${r.reference}` },
    {
      kind: 'table',
      head: [
        'variant',
        ...cps.map((c) => `ΔPR ${c}`),
        `test better / same / worse than ${r.reference} at ${last}`,
        ...(hasPaper ? [`paper ΔPR (${PAPER_TABLE1_HOURS.map((h) => `${h}h`).join(' / ')})`] : []),
      ],
      rows,
      align: ['l', ...cps.map(() => 'r' as const), 'r', 'r'],
      caption:
        `ΔPR: the variant's Percentile Rank minus ${r.reference}'s on the same (competition, seed), mean ± SE ` +
        "of those paired differences (pairs counted in brackets). Test: pairs where the variant's submission " +
        "has the better / same / worse test score (by each competition's direction).",
    },
  ];
}

function table2(r: AblationReport): Block[] {
  const cps = cpLabels(r);
  const last = cps[cps.length - 1]!;
  const blocks: Block[] = [
    { kind: 'h2', text: "Table 2: per competition (the paper's Table 2 format)" },
    {
      kind: 'p',
      text:
        `Mean Percentile Rank over the ${r.sizes.seeds} seeds ± SE (across seeds) at each checkpoint, the mean ` +
        `test score of the submission at ${last} and its medals (gold/silver/bronze/none over the seeds).` +
        (r.table2.some((t) => t.paper !== null)
          ? " Italic: the paper's Table 2 mean for full AIRA2 (docs/paper.md §Table 2)."
          : ''),
    },
  ];
  for (const v of r.matrix.variants) {
    blocks.push({ kind: 'h3', text: v.name });
    const rows = r.matrix.competitions.map((comp) => {
      const t = cps.map((c) =>
        r.table2.find((x) => x.variant === v.name && x.competition === comp && x.checkpoint === c)!,
      );
      const end = t[t.length - 1]!;
      return [
        comp,
        ...t.map((x) => `${fmtMeanSe(x.pr)}${x.paper !== null ? ` *(${x.paper.toFixed(1)})*` : ''}`),
        `${fmtTestMeanSe(end.test)} ${r.directions[comp] === 'minimize' ? '↓' : r.directions[comp] ? '↑' : ''}`,
        `${end.medals.gold}/${end.medals.silver}/${end.medals.bronze}/${end.medals.none}`,
      ];
    });
    blocks.push({
      kind: 'table',
      head: ['competition', ...cps.map((c) => `PR ${c}`), `test at ${last}`, 'medals g/s/b/–'],
      rows,
      align: ['l', ...cps.map(() => 'r' as const), 'r', 'r'],
    });
  }
  return blocks;
}

function plots(r: AblationReport): Block[] {
  return [
    { kind: 'h2', text: 'Plots' },
    {
      kind: 'plot',
      key: 'prOverTime',
      file: PLOTS.prOverTime,
      alt: 'mean Percentile Rank over active time per variant',
      caption:
        "Mean Percentile Rank of the submission each variant would have made at each moment (hce pickAt on every cell's journal), ± SE band; dashed: checkpoints.",
    },
    {
      kind: 'plot',
      key: 'fig3',
      file: PLOTS.fig3,
      alt: `mean Percentile Rank against ${r.computeUnit}`,
      caption: `The paper's Fig. 3 view: the same curves against ${r.computeUnit} (active time × workers), so variants with more workers are compared at equal compute.${r.paperNotes.length ? ` Paper: ${r.paperNotes.join(' ')}` : ''}`,
    },
    {
      kind: 'plot',
      key: 'testOverTime',
      file: PLOTS.testOverTime,
      alt: 'test score over time per variant and competition',
      caption: 'Test score of the submission over time, mean over seeds, one panel per competition.',
    },
  ];
}

function cellsTable(r: AblationReport): Block[] {
  const last = r.matrix.checkpoints.length - 1;
  return [
    { kind: 'h2', text: 'Cells' },
    {
      kind: 'table',
      head: [
        'cell',
        'state',
        'workers',
        'jobs',
        'candidates (valid)',
        'pick',
        'validation',
        'test',
        'PR',
        'medal',
      ],
      rows: r.cells.map((c) => {
        const p = c.picks[last];
        const state =
          c.state === 'ended'
            ? `ended (${c.endReason})`
            : c.state === 'running'
              ? `interrupted at ${fmtDuration(c.activeMs)}`
              : 'not started';
        return [
          `\`${c.cellId}\``,
          state,
          String(c.workers),
          String(c.jobs),
          `${c.candidates} (${c.valid})`,
          p?.candidateId ?? '–',
          fmtScore(p?.validation),
          fmtScore(p?.test),
          p ? fmt1(p.percentileRank) : '–',
          p?.medal ?? '–',
        ];
      }),
      align: ['l', 'l', 'r', 'r', 'r', 'l', 'r', 'r', 'r', 'l'],
      caption: `Each cell's submission at the last checkpoint (${r.matrix.checkpoints[last]!.label}). Every cell is a one-run study in its own folder: \`aira report <study>/<cell>\` shows its run in full.`,
    },
  ];
}

export function reportBlocks(r: AblationReport): Block[] {
  return [
    ...header(r),
    ...variantsTable(r),
    ...table1(r),
    ...gapsTable(r),
    ...table2(r),
    ...plots(r),
    ...cellsTable(r),
    {
      kind: 'p',
      tone: 'note',
      text: `Generated ${r.generatedAt} by aira ${r.airaVersion} from the cells' journals; report.json holds the data these tables and plots are made from, and mlebench/ the picks in MLE-bench's grading-report format.`,
    },
  ];
}
