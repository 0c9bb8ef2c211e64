import type { Registry as Competitions } from '@aira/competitions';
import type { ResolvedConfig } from '@aira/coordinator';
import { formatDuration, parseDuration } from '@aira/core';

/**
 * A budget left at its default (the paper's 72 h, 9 h per execution) is replaced by the one the
 * competitions' plugins say suits them (manifest `budget`), the largest when they differ; a budget
 * set by a flag, env, file or preset stays. Returns the line `aira run` prints about its choice.
 */
export function chooseBudget(
  resolved: ResolvedConfig,
  competitions: Competitions,
  ids: Array<string | null>,
): string {
  const { config, provenance } = resolved;
  const manifests = ids.map((id) => (id ? competitions.find(id) : undefined));
  const budgets = manifests.map((f) =>
    f?.manifest.budget ? { id: f.id, plugin: f.plugin.name, ...f.manifest.budget } : undefined,
  );
  const all =
    budgets.every((b) => b !== undefined) && budgets.length > 0
      ? (budgets as Array<NonNullable<(typeof budgets)[number]>>)
      : [];
  const origin = (path: string) => provenance.get(path) ?? 'default';
  // Each of the two is taken from the plugins only where no layer set it.
  for (const [path, key] of [
    ['budget.wallClock', 'wallClock'],
    ['budget.perExec', 'perExec'],
  ] as const) {
    const given = all.filter((b) => b[key] !== undefined);
    if (given.length === 0 || given.length < all.length || origin(path) !== 'default') continue;
    const pick = given.reduce((a, b) => (parseDuration(b[key]!) > parseDuration(a[key]!) ? b : a));
    config.budget[key] = parseDuration(pick[key]!);
    provenance.set(path, `plugin ${pick.plugin} for ${pick.id}`);
  }
  const said = (path: string) => {
    const o = origin(path);
    return o === 'default' ? "the paper's default" : o;
  };
  const jobs = config.budget.maxJobs !== undefined ? `, at most ${config.budget.maxJobs} jobs` : '';
  return `budget: ${formatDuration(config.budget.wallClock)} of active time per run (${said('budget.wallClock')}), ${formatDuration(config.budget.perExec)} per execution (${said('budget.perExec')})${jobs}`;
}
