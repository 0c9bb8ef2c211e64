import type { Command } from 'commander';
import { parseDuration, UserError } from '@aira/core';
import { join } from 'node:path';
import { locateStudy, studiesDir, requestStop, stopRecordedWorkers, studyStatus } from '@aira/coordinator';

export function register(program: Command): void {
  program
    .command('stop')
    .description(
      'End a running study cleanly from another terminal: running jobs are cancelled and the final pick is made',
    )
    .argument('<study>', 'a study id (under --out) or folder')
    .option('--out <dir>', 'folder that holds studies [AIRA_OUT]')
    .option('--wait <duration>', 'how long to wait for the coordinator to finish (0: do not wait)', '2m')
    .action(async (study: string, flags: { out?: string; wait: string }) => {
      const dir = locateStudy(study, studiesDir(flags.out));
      const r = requestStop(dir);
      if (!r.running) {
        process.stdout.write(
          `study ${study} is not running; a STOP file was left so it will not continue unless resumed\n`,
        );
        const left = await stopRecordedWorkers(join(dir, 'workers'));
        if (left.length)
          process.stdout.write(
            `stopped ${left.length} worker daemon(s) it had left running (pid ${left.join(', ')})\n`,
          );
        return;
      }
      process.stdout.write(
        r.signalled
          ? `asked pid ${r.pid} to stop\n`
          : `STOP file written; the coordinator (pid ${r.pid}, another machine) will see it\n`,
      );
      const waitMs = parseDuration(flags.wait);
      const until = Date.now() + waitMs;
      while (Date.now() < until) {
        const st = studyStatus(dir);
        if (st.state !== 'running' && st.state !== 'stopping') {
          process.stdout.write(`study ${study} ${st.state}\n`);
          return;
        }
        await new Promise((res) => setTimeout(res, 250));
      }
      if (waitMs > 0)
        throw new UserError(`study ${study} still running after ${flags.wait}`, 'check `aira status`');
    });
}
