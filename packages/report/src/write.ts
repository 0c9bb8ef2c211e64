import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { buildStudyReport, type ReportOptions } from './model.js';
import { isMlebenchStudy, writeMlebenchReport } from './mlebench.js';
import { scorePlotSvg } from './plot.js';
import type { StudyReport } from './types.js';

export interface WrittenReport {
  report: StudyReport;
  markdown: string;
  html: string;
  json: string;
  plots: string[];
  /** mlebench/grading_report.json, for studies of MLE-bench competitions. */
  mlebench: string | null;
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * Builds the study's report from its journals and writes report.json, report.md (plots as
 * plots/<run>.svg beside it) and report.html (plots inline) into the study folder, and for
 * MLE-bench studies the picks in MLE-bench's grading-report format (mlebench/).
 */
export async function writeStudyReport(dir: string, options: ReportOptions = {}): Promise<WrittenReport> {
  const report = buildStudyReport(dir, options);
  const svgs = new Map<string, string>();
  const plots: string[] = [];
  for (const run of report.runs) {
    const svg = await scorePlotSvg(run);
    if (!svg) continue;
    svgs.set(run.runId, svg);
    mkdirSync(join(dir, 'plots'), { recursive: true });
    run.plot = `plots/${run.runId}.svg`;
    const file = join(dir, run.plot);
    writeAtomic(file, svg);
    plots.push(file);
  }
  const paths = {
    json: join(dir, 'report.json'),
    markdown: join(dir, 'report.md'),
    html: join(dir, 'report.html'),
  };
  const mlebench = isMlebenchStudy(report) ? writeMlebenchReport(report, dir) : null;
  writeAtomic(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  writeAtomic(paths.markdown, renderMarkdown(report));
  writeAtomic(paths.html, renderHtml(report, svgs));
  return { report, ...paths, plots, mlebench };
}
