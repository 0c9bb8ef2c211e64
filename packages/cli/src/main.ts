#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
// Light entry points only: a command loads what it uses (see commands/index.ts).
import { UserError } from '@aira/core/errors';
import { AIRA_VERSION } from '@aira/core/version';
import { registerAll } from './commands/index.js';

async function main(argv: string[]): Promise<void> {
  const program = new Command('aira')
    .description('Run AI research agents on machine-learning competitions (AIRA2-style)')
    .version(AIRA_VERSION)
    .showHelpAfterError('(run with --help for every flag)')
    .exitOverride();
  await registerAll(program, argv);
  await program.parseAsync(argv);
}

main(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof UserError) {
    console.error(`aira: ${err.message}${err.hint ? `\n  ${err.hint}` : ''}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
