import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '@aira/core';
import { startDashboard } from '@aira/dashboard';
import { readTokenFile } from '@aira/protocol';
import { studiesDir } from '@aira/coordinator';

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'Watch studies in the browser: workers, live job output, scores, the population and each candidate (reads the runs folder, never writes)',
    )
    .argument('[runs-dir]', 'folder that holds studies [AIRA_OUT]')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '8420')
    .option('--host <addr>', 'address to bind; anything but loopback needs --token-file', '127.0.0.1')
    .option(
      '--token-file <file>',
      'file holding the token every request must carry (Bearer header, or ?token= once in the browser)',
    )
    .action(
      async (runsDir: string | undefined, flags: { port: string; host: string; tokenFile?: string }) => {
        const dir = resolve(studiesDir(runsDir));
        if (!existsSync(dir) || !statSync(dir).isDirectory())
          throw new UserError(
            `runs folder ${dir} does not exist`,
            'give the folder `aira run --out` wrote to',
          );
        if (!/^\d+$/.test(flags.port) || Number(flags.port) > 65535)
          throw new UserError(`--port ${flags.port}: not a port number (0 to 65535)`);
        const token = flags.tokenFile ? readTokenFile(flags.tokenFile) : null;
        const d = await startDashboard({ runsDir: dir, host: flags.host, port: Number(flags.port), token });
        // The URL is the first line, so scripts (and `--port 0`) can read it.
        process.stdout.write(`${d.url}\n`);
        process.stdout.write(
          `serving ${dir}${token ? ` (token required: open ${d.url}?token=… with the token from ${flags.tokenFile})` : ''}; Ctrl-C stops\n`,
        );
        await new Promise<void>((done) => {
          const stop = () => void d.close().then(done);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      },
    );
}
