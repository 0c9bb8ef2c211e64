import { ConfigError } from '@aira/core';
import { FIELD_BY_PATH, flagAttribute, flagName, type BudgetConfig } from '@aira/coordinator';

/** Budget settings a resumed study may change (a raised cost cap lets a capped run go on). */
const RESUMABLE = ['budget.costUsd', 'budget.studyCostUsd', 'budget.costPerHour'] as const;

/** The spending limits given with `--resume`, as numbers; an invalid one is a one-line error naming its flag. */
export function resumeBudget(flags: Record<string, unknown>): Partial<BudgetConfig> {
  const out: Record<string, number> = {};
  for (const path of RESUMABLE) {
    const f = FIELD_BY_PATH.get(path);
    if (!f?.flag) continue;
    const v: unknown = flags[flagAttribute(f.flag)];
    if (v === undefined) continue;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0)
      throw new ConfigError(
        `${flagName(f.flag)}: expected a number of USD ≥ 0, got "${typeof v === 'string' ? v : JSON.stringify(v)}"`,
      );
    out[path.slice('budget.'.length)] = n;
  }
  return out as Partial<BudgetConfig>;
}
