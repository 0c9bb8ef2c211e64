#!/usr/bin/env node
import { Command, CommanderError, type Option } from 'commander';
// Light entry points only: a command loads what it uses (see commands/index.ts).
import { UserError } from '@aira/core/errors';
import { AIRA_VERSION } from '@aira/core/version';
import { registerAll } from './commands/index.js';

const EXAMPLES = `
Examples:
  aira run --suite mini                                  the embedded suite in minutes (LLM-free template agent)
  aira run --competition spaceship-titanic --data ~/mle-bench-data --budget 24h --workers local
  aira run --script solve.py --budget 10m                your own solution script as every job
  aira status                                            every study under ./runs
  aira stop STUDY                                        end a study cleanly from another terminal
  aira run --resume STUDY                                go on with a stopped or interrupted study
  aira grade --competition mini-diabetes --submission sub.csv
  aira COMMAND --help                                    a command's flags, defaults and examples`;

/** Every default shown one way, `(default: X)`, as the user would type it (no JSON quotes). */
function optionDescription(o: Option): string {
  const extra: string[] = [];
  if (o.argChoices) extra.push(`choices: ${o.argChoices.join(', ')}`);
  const showDefault = o.defaultValue !== undefined && !o.negate && !(typeof o.defaultValue === 'boolean');
  if (showDefault)
    extra.push(
      `default: ${o.defaultValueDescription ?? (typeof o.defaultValue === 'string' ? o.defaultValue : JSON.stringify(o.defaultValue))}`,
    );
  return extra.length ? `${o.description} (${extra.join('; ')})` : o.description;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('aira')
    .description('Run AI research agents on machine-learning competitions (AIRA2-style)')
    .version(AIRA_VERSION)
    .showHelpAfterError('(run with --help for every flag)')
    .configureHelp({ optionDescription })
    .addHelpText('after', EXAMPLES)
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
