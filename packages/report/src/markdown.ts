import { isMlebenchStudy, MLEBENCH_REPORT } from './mlebench.js';
import { formatSpend } from '@aira/coordinator';
import { lineageTree } from './lineage.js';
import {
  workerLossText,
  baselineText,
  beatsText,
  directionText,
  fmtPercent,
  fmtScore,
  fmtTime,
  leaderboardNote,
  medalText,
  protectionText,
  stateText,
} from './text.js';
import type { RunReport, StudyReport } from './types.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function summaryTable(report: StudyReport): string[] {
  const rows = [
    '| competition | final pick | validation | test | percentile rank | medal | trivial baseline | beats it |',
    '|---|---|---:|---:|---:|---|---:|---|',
  ];
  for (const r of report.runs) {
    const p = r.pick;
    rows.push(
      `| ${cell(r.competition ?? r.runId)} | ${p ? p.candidateId : 'none'} | ${fmtScore(p?.validation)} | ${fmtScore(p?.test)} | ${p ? fmtPercent(p.percentileRank) : '–'} | ${medalText(p?.medal ?? null)} | ${cell(baselineText(r))} | ${beatsText(r)} |`,
    );
  }
  return rows;
}

function runSection(r: RunReport): string[] {
  const out = [`## ${r.competition ?? r.runId}`, ''];
  out.push(
    `- Run \`${r.runId}\` (seed ${r.seed}): ${stateText(r)}; ${r.jobs} jobs, ${r.candidates} candidates (${r.valid} valid); evaluator ${r.evaluator}; ${directionText(r)}.`,
  );
  if (r.spend.calls > 0) out.push(`- LLM: ${formatSpend(r.spend)}.`);
  const losses = workerLossText(r);
  if (losses) out.push(`- ${losses}`);
  const p = r.pick;
  if (!p) {
    out.push('- No final pick: no valid candidate.', '');
    return out;
  }
  out.push(
    `- **Final pick ${p.candidateId}** (${p.operator}, chosen by ${p.by ?? '–'} score): search ${fmtScore(p.search)} · validation ${fmtScore(p.validation)} · test ${fmtScore(p.test)}.`,
  );
  if (p.leaderboard)
    out.push(
      `- On the ${p.leaderboard.label}: percentile rank ${fmtPercent(p.percentileRank)}, medal: ${medalText(p.medal)}${p.aboveMedian ? ', above the median' : ''}.`,
    );
  if (r.baseline)
    out.push(
      `- Trivial baseline (${r.baseline.model}) scores ${fmtScore(r.baseline.score)} on test: the pick ${r.beatsBaseline ? 'beats it' : 'does NOT beat it'}.`,
    );
  out.push(`- Code: [\`${p.code}\`](${p.code})${p.summary ? `; ${p.summary}` : ''}.`, '');
  if (r.plot)
    out.push(
      `![${r.competition ?? r.runId}: best search, validation and test score over time](${r.plot})`,
      '',
    );
  out.push(`### Lineage of ${p.candidateId}`, '');
  for (const { depth, node: n, repeat } of lineageTree(r.lineage)) {
    const pad = '  '.repeat(depth);
    if (repeat) {
      out.push(`${pad}- ${n.id} (shown above)`);
      continue;
    }
    const from = n.parents.length ? ` of ${n.parents.join(' + ')}` : '';
    out.push(
      `${pad}- **${n.id}** ${n.operator}${from}: search ${fmtScore(n.search)} · validation ${fmtScore(n.validation)} · test ${fmtScore(n.test)}; at ${fmtTime(n.activeMs)} on ${n.workerId}${n.summary ? `; ${cell(n.summary)}` : ''}`,
    );
  }
  out.push('');
  return out;
}

/** report.md: the study's summary table, then per competition the pick, its plot and its lineage. */
export function renderMarkdown(report: StudyReport): string {
  const prot = protectionText(report.protection);
  const s = report.summary;
  const lines = [
    `# aira study ${report.studyId}`,
    '',
    `- Suite: ${report.suite ?? 'none (competitions given one by one)'}; ${s.runs} run(s), ${s.ended} ended; started ${report.createdAt}.`,
    `- Agent: ${report.agent}.${s.spend.calls > 0 ? ` LLM: ${formatSpend(s.spend)}.` : ''}`,
    `- Search: ${report.search}; budget ${fmtTime(report.budgetMs)} of active time per run.`,
    `- Protection: **${prot.short}**. ${prot.long}`,
  ];
  const note = leaderboardNote(report);
  if (note) lines.push(`- ${note}`);
  lines.push('', '## Summary', '', ...summaryTable(report), '');
  const medals = Object.entries(s.medals)
    .map(([m, n]) => `${n} ${m}`)
    .join(', ');
  lines.push(
    `Mean percentile rank ${fmtPercent(s.meanPercentileRank)}; medals: ${medals}; ${s.beatBaseline} of ${s.withBaseline} final picks beat their trivial baseline on test.`,
    '',
  );
  for (const r of report.runs) lines.push(...runSection(r));
  const mle = isMlebenchStudy(report)
    ? ` The final picks in MLE-bench's grading-report format: [${MLEBENCH_REPORT}](${MLEBENCH_REPORT}).`
    : '';
  lines.push(
    `Generated ${report.generatedAt} by aira ${report.airaVersion} from the study's journals (report.json holds the same data).${mle}`,
    '',
  );
  return lines.join('\n');
}
