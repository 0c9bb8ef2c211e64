import type { Command } from 'commander';
import { checkDirOrAbsent } from '@aira/core';
import { formatStudyStatus, studiesDir, listStudies, locateStudy, studyStatus } from '@aira/coordinator';

export function register(program: Command): void {
  program
    .command('status')
    .description('Show studies (running, ended, interrupted), their runs, workers and best scores')
    .argument('[study]', 'a study id (under --out) or folder; all studies when omitted')
    .option('--out <dir>', 'folder that holds studies [AIRA_OUT]')
    .option('--json', 'machine-readable output')
    .action((study: string | undefined, flags: { out?: string; json?: boolean }) => {
      const out = studiesDir(flags.out);
      checkDirOrAbsent(out, '--out');
      const statuses = study ? [studyStatus(locateStudy(study, out))] : listStudies(out);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(study ? statuses[0] : statuses, null, 2)}\n`);
        return;
      }
      if (statuses.length === 0) {
        process.stdout.write(`no studies under ${out}\n`);
        return;
      }
      process.stdout.write(`${statuses.map((s) => formatStudyStatus(s, Boolean(study))).join('\n\n')}\n`);
    });
}
