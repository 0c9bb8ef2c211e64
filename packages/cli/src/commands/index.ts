import type { Command } from 'commander';

/** Each command module adds itself to the program; one line here per command. */
export type Register = (program: Command) => void;

export async function registerAll(program: Command): Promise<void> {
  const modules: Array<Promise<{ register: Register }>> = [
    // one import per command module, e.g. import('./worker.js'),
    import('./worker.js'),
    import('./exec.js'),
    import('./competitions.js'),
    import('./data.js'),
    import('./run.js'),
    import('./status.js'),
    import('./stop.js'),
    import('./grade.js'),
    import('./report.js'),
    import('./show.js'),
    import('./ablate.js'),
    import('./serve.js'),
    import('./launch.js'),
  ];
  for (const m of await Promise.all(modules)) m.register(program);
}
