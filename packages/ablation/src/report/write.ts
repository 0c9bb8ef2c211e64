import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportBlocks, PLOT_FILES } from './document.js';
import { renderBlocksHtml } from './html.js';
import { renderBlocksMarkdown } from './markdown.js';
import { exportMlebench } from './mlebench.js';
import { buildAblationReport } from './model.js';
import { renderPlots } from './plots.js';
import type { AblationReport } from './types.js';

export interface WrittenAblationReport {
  report: AblationReport;
  json: string;
  markdown: string;
  html: string;
  plots: string[];
  /** MLE-bench grading reports (mlebench/<checkpoint>/…). */
  mlebench: string[];
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * Builds an ablation study's report from its cells' journals and writes, into the study folder:
 * report.json (the model every table and plot is made from), report.md (plots in plots/),
 * report.html (plots inline) and mlebench/ (MLE-bench grading reports, one per cell and checkpoint).
 */
export async function writeAblationReport(
  dir: string,
  options: { mlebenchSubmissions?: boolean } = {},
): Promise<WrittenAblationReport> {
  const report = buildAblationReport(dir);
  const svgs = await renderPlots(report);
  mkdirSync(join(dir, 'plots'), { recursive: true });
  const plots = (Object.keys(PLOT_FILES) as Array<keyof typeof PLOT_FILES>).map((k) => {
    const file = join(dir, PLOT_FILES[k]);
    writeAtomic(file, svgs[k]);
    return file;
  });
  const blocks = reportBlocks(report);
  const paths = {
    json: join(dir, 'report.json'),
    markdown: join(dir, 'report.md'),
    html: join(dir, 'report.html'),
  };
  writeAtomic(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  writeAtomic(paths.markdown, renderBlocksMarkdown(blocks));
  writeAtomic(
    paths.html,
    renderBlocksHtml(`aira ablation ${report.studyId}`, blocks, svgs as unknown as Record<string, string>),
  );
  const { files } = exportMlebench(dir, report, { submissions: options.mlebenchSubmissions });
  return { report, ...paths, plots, mlebench: files };
}
