import type { Command } from 'commander';
import { locateStudy, studiesDir } from '@aira/coordinator';
import { writeStudyReport } from '@aira/report';
import { locateAblation, writeAblationReport } from '@aira/ablation';
import { reportOptions } from '../report.js';

export function register(program: Command): void {
  program
    .command('report')
    .description(
      "Write a study's report from its journals: report.md (plots in plots/), report.html (plots inline) and report.json",
    )
    .argument('<study>', 'study id (under --out) or study folder')
    .option('--out <dir>', 'folder that holds studies', studiesDir())
    .option('--json', 'print the report model (report.json) on stdout')
    .option(
      '--mlebench-submissions',
      "ablation studies: copy each pick's test predictions next to the MLE-bench grading reports",
    )
    .action(async (study: string, flags: { out: string; json?: boolean; mlebenchSubmissions?: boolean }) => {
      // An ablation study (aira ablate): Table 1 / Table 2 / Fig. 3 report over its cells.
      const ablation = locateAblation(study, flags.out);
      if (ablation) {
        const written = await writeAblationReport(ablation, {
          mlebenchSubmissions: flags.mlebenchSubmissions,
        });
        if (flags.json) process.stdout.write(`${JSON.stringify(written.report, null, 2)}\n`);
        else process.stdout.write(`report: ${written.html}\nreport: ${written.markdown}\n`);
        return;
      }
      const dir = locateStudy(study, flags.out);
      const written = await writeStudyReport(dir, await reportOptions());
      if (flags.json) process.stdout.write(`${JSON.stringify(written.report, null, 2)}\n`);
      else process.stdout.write(`report: ${written.html}\nreport: ${written.markdown}\n`);
    });
}
