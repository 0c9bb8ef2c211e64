import type { Command } from 'commander';

/** Each command module adds itself to the program; one line here per command. */
export type Register = (program: Command) => void;

/**
 * Command name → its module. Modules load lazily: `aira grade …` imports grade.js alone, so a
 * command pays only for the packages it uses (the coordinator, gRPC, the agents … cost most of a
 * second to load).
 */
const COMMANDS: Record<string, () => Promise<{ register: Register }>> = {
  worker: () => import('./worker.js'),
  exec: () => import('./exec.js'),
  competitions: () => import('./competitions.js'),
  data: () => import('./data.js'),
  run: () => import('./run.js'),
  status: () => import('./status.js'),
  stop: () => import('./stop.js'),
  grade: () => import('./grade.js'),
  report: () => import('./report.js'),
  show: () => import('./show.js'),
  ablate: () => import('./ablate.js'),
  serve: () => import('./serve.js'),
  launch: () => import('./launch.js'),
};

/**
 * Registers the commands `argv` needs: the named command's module alone when the first operand
 * names one, none for a bare `--version`, and every module otherwise (help, an unknown command,
 * or no argv: the full program).
 */
export async function registerAll(program: Command, argv?: readonly string[]): Promise<void> {
  const args = argv?.slice(2) ?? [];
  const first = args.find((a) => !a.startsWith('-'));
  let names = Object.keys(COMMANDS);
  if (argv && first !== undefined && Object.hasOwn(COMMANDS, first)) names = [first];
  else if (
    argv &&
    first === undefined &&
    args.length > 0 &&
    args.every((a) => a === '--version' || a === '-V')
  )
    names = [];
  for (const m of await Promise.all(names.map((n) => COMMANDS[n]!()))) m.register(program);
}
