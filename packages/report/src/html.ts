import { isMlebenchStudy, MLEBENCH_REPORT } from './mlebench.js';
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
  protectionText,
  stateText,
} from './text.js';
import type { RunReport, StudyReport } from './types.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
const e = escapeHtml;

const STYLE = `
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
table { border-collapse: collapse; margin: 1em 0; } th, td { border: 1px solid #ddd; padding: .3em .6em; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.warn { background: #fff3f0; border-left: 4px solid #d9480f; padding: .5em 1em; }
.ok { background: #f0fff4; border-left: 4px solid #2b8a3e; padding: .5em 1em; }
.no { color: #c92a2a; font-weight: 600; }
.gold { color: #b8860b; font-weight: 600; } .silver { color: #707070; font-weight: 600; } .bronze { color: #a0522d; font-weight: 600; }
ul.lineage { list-style: none; padding-left: 0; } ul.lineage li { font-family: ui-monospace, monospace; font-size: .9em; white-space: pre-wrap; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
small { color: #666; }`;

const medalHtml = (m: string | null) => (m ? `<span class="${e(m)}">${e(m)}</span>` : 'none');

function summaryTable(report: StudyReport): string {
  const head =
    '<tr><th>competition</th><th>final pick</th><th>validation</th><th>test</th><th>percentile rank</th><th>medal</th><th>trivial baseline</th><th>beats it</th></tr>';
  const rows = report.runs.map((r) => {
    const p = r.pick;
    const beats = beatsText(r);
    const cells = [
      `<td><a href="#${e(r.runId)}">${e(r.competition ?? r.runId)}</a></td>`,
      `<td>${p ? e(p.candidateId) : 'none'}</td>`,
      `<td class="n">${fmtScore(p?.validation)}</td>`,
      `<td class="n">${fmtScore(p?.test)}</td>`,
      `<td class="n">${p ? fmtPercent(p.percentileRank) : '–'}</td>`,
      `<td>${medalHtml(p?.medal ?? null)}</td>`,
      `<td class="n">${e(baselineText(r))}</td>`,
      `<td${beats === 'NO' ? ' class="no"' : ''}>${beats}</td>`,
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<table>${head}${rows.join('')}</table>`;
}

function runSection(r: RunReport, svg: string | null): string {
  const parts = [`<h2 id="${e(r.runId)}">${e(r.competition ?? r.runId)}</h2>`, '<ul>'];
  parts.push(
    `<li>Run <code>${e(r.runId)}</code> (seed ${r.seed}): ${e(stateText(r))}; ${r.jobs} jobs, ${r.candidates} candidates (${r.valid} valid); evaluator ${e(r.evaluator)}; ${directionText(r)}.</li>`,
  );
  const losses = workerLossText(r);
  if (losses) parts.push(`<li>${e(losses)}</li>`);
  const p = r.pick;
  if (!p) return `${parts.join('')}<li>No final pick: no valid candidate.</li></ul>`;
  parts.push(
    `<li><b>Final pick ${e(p.candidateId)}</b> (${e(p.operator)}, chosen by ${e(p.by ?? '–')} score): search ${fmtScore(p.search)} · validation ${fmtScore(p.validation)} · test ${fmtScore(p.test)}.</li>`,
  );
  if (p.leaderboard)
    parts.push(
      `<li>On the ${e(p.leaderboard.label)}: percentile rank ${fmtPercent(p.percentileRank)}, medal: ${medalHtml(p.medal)}${p.aboveMedian ? ', above the median' : ''}.</li>`,
    );
  if (r.baseline)
    parts.push(
      `<li>Trivial baseline (${e(r.baseline.model)}) scores ${fmtScore(r.baseline.score)} on test: the pick ${r.beatsBaseline ? 'beats it' : '<span class="no">does NOT beat it</span>'}.</li>`,
    );
  parts.push(
    `<li>Code: <a href="${e(p.code)}"><code>${e(p.code)}</code></a>${p.summary ? `; ${e(p.summary)}` : ''}.</li></ul>`,
  );
  if (svg)
    parts.push(
      `<figure>${svg}<figcaption><small>Best search score so far, and the validation and test score of the submission the run would have made at each time.</small></figcaption></figure>`,
    );
  parts.push(`<h3>Lineage of ${e(p.candidateId)}</h3><ul class="lineage">`);
  for (const { depth, node: n, repeat } of lineageTree(r.lineage)) {
    const pad = '&nbsp;&nbsp;&nbsp;&nbsp;'.repeat(depth) + (depth ? '└ ' : '');
    if (repeat) {
      parts.push(`<li>${pad}${e(n.id)} <small>(shown above)</small></li>`);
      continue;
    }
    const from = n.parents.length ? ` of ${e(n.parents.join(' + '))}` : '';
    parts.push(
      `<li>${pad}<b>${e(n.id)}</b> ${e(n.operator)}${from}: search ${fmtScore(n.search)} · validation ${fmtScore(n.validation)} · test ${fmtScore(n.test)} <small>at ${fmtTime(n.activeMs)} on ${e(n.workerId)}${n.summary ? `; ${e(n.summary)}` : ''}</small></li>`,
    );
  }
  parts.push('</ul>');
  return parts.join('');
}

/** report.html: one self-contained page (inline CSS, plots as inline SVG). */
export function renderHtml(report: StudyReport, svgs: ReadonlyMap<string, string>): string {
  const prot = protectionText(report.protection);
  const s = report.summary;
  const note = leaderboardNote(report);
  const medals = Object.entries(s.medals)
    .map(([m, n]) => `${n} ${m}`)
    .join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>aira study ${e(report.studyId)}</title><style>${STYLE}</style></head>
<body>
<h1>aira study ${e(report.studyId)}</h1>
<ul>
<li>Suite: ${e(report.suite ?? 'none (competitions given one by one)')}; ${s.runs} run(s), ${s.ended} ended; started ${e(report.createdAt)}.</li>
<li>Agent: ${e(report.agent)}.</li>
<li>Search: ${e(report.search)}; budget ${fmtTime(report.budgetMs)} of active time per run.</li>
</ul>
<p class="${report.protection.protected ? 'ok' : 'warn'}"><b>Protection: ${e(prot.short)}.</b> ${e(prot.long)}</p>
${note ? `<p>${e(note)}</p>` : ''}
<h2>Summary</h2>
${summaryTable(report)}
<p>Mean percentile rank ${fmtPercent(s.meanPercentileRank)}; medals: ${e(medals)}; ${s.beatBaseline} of ${s.withBaseline} final picks beat their trivial baseline on test.</p>
${report.runs.map((r) => runSection(r, svgs.get(r.runId) ?? null)).join('\n')}
<p><small>Generated ${e(report.generatedAt)} by aira ${e(report.airaVersion)} from the study's journals (report.json holds the same data).${isMlebenchStudy(report) ? ` The final picks in MLE-bench's grading-report format: <a href="${MLEBENCH_REPORT}">${MLEBENCH_REPORT}</a>.` : ''}</small></p>
</body></html>
`;
}
