import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BudgetConfig } from '../config/schema.js';
import { readJournal } from '../journal/reader.js';

const HOUR = 3_600_000;

/**
 * The study's LLM spending as the runs of one coordinator see it: the study-wide cap
 * (`budget.studyCostUsd`) and the hourly rate limit (`budget.costPerHour`, over the last hour of
 * wall-clock time, so a restart does not reset it). Seeded from every run's journal when the study
 * starts or resumes; each run adds its `cost` events as it journals them.
 */
export class StudySpend {
  total = 0;
  private recent: Array<{ t: number; usd: number }> = [];

  constructor(private readonly budget: BudgetConfig) {}

  static fromJournals(runDirs: string[], budget: BudgetConfig): StudySpend {
    const s = new StudySpend(budget);
    for (const dir of runDirs) {
      const path = join(dir, 'journal.jsonl');
      if (!existsSync(path)) continue;
      for (const e of readJournal(path).events) if (e.type === 'cost') s.add(e.t, e.usd);
    }
    return s;
  }

  add(t: number, usd: number): void {
    this.total += usd;
    if (this.budget.costPerHour !== undefined) this.recent.push({ t, usd });
  }

  capReached(): boolean {
    return this.budget.studyCostUsd !== undefined && this.total >= this.budget.studyCostUsd;
  }

  /** How long the next LLM call must wait for the hourly limit (0: it may start now). */
  waitMs(now = Date.now()): number {
    const limit = this.budget.costPerHour;
    if (limit === undefined) return 0;
    this.recent = this.recent.filter((r) => r.t > now - HOUR);
    let sum = this.recent.reduce((n, r) => n + r.usd, 0);
    if (sum < limit) return 0;
    // Wait until enough of the last hour's spending has aged out of the window.
    for (const r of this.recent) {
      sum -= r.usd;
      if (sum < limit) return Math.max(1, r.t + HOUR - now);
    }
    return HOUR;
  }
}
