import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { leaksFor, type Leak } from '@aira/competitions';
import { linkOrCopy, listFiles } from './files.js';
import { applyLeak, NO_HIDDEN_ROWS, type HiddenRows, type LeakOutcome } from './leaks.js';

export interface AssembleOptions {
  /** The competition's prepared public folder. */
  source: string;
  /** The HCE folder being filled (may already hold files the splitter wrote: those win). */
  out: string;
  /** Source paths (relative to public, "/"-separated) not to carry over: labelled files, omitted trees. */
  skip: (rel: string) => boolean;
  leaks: readonly Leak[];
  /** Leak scopes that apply: both for the HCE folder, only "test" for the no-HCE folder. */
  scopes: ReadonlyArray<'test' | 'hidden'>;
  labels: readonly string[];
  /** Keys of the hidden rows; null: unknown (rows cannot be stripped); 'none': a folder without hidden parts. */
  hidden: HiddenRows | null | 'none';
}

/**
 * Carries the rest of the competition's public folder into an HCE folder: files the splitter did
 * not write are hard-linked; files a manifest leak entry covers are withheld or stripped as it
 * says (docs/mlebench-layouts.md §HCE, known leaks: hidden-split copies of leaking files must
 * be withheld or stripped).
 */
export async function assemblePublic(o: AssembleOptions): Promise<{ linked: number; leaks: LeakOutcome[] }> {
  const outcomes: LeakOutcome[] = [];
  let linked = 0;
  for (const rel of listFiles(o.source)) {
    if (o.skip(rel)) continue;
    const dst = join(o.out, rel);
    if (existsSync(dst)) continue;
    const prepared = `public/${rel}`;
    const leaks = [...new Set(o.scopes.flatMap((s) => leaksFor(prepared, o.leaks, s)))];
    if (leaks.length === 0) {
      linkOrCopy(join(o.source, rel), dst);
      linked++;
      continue;
    }
    // Several entries on one file: withholding wins; otherwise each strip applies in turn.
    const withhold = leaks.find((l) => l.action === 'withhold');
    if (withhold) {
      outcomes.push({ path: rel, action: withhold.action, outcome: 'withheld', reason: withhold.reason });
      continue;
    }
    mkdirSync(dirname(dst), { recursive: true });
    let src = join(o.source, rel);
    let withheld = false;
    for (const [k, leak] of leaks.entries()) {
      const target = k === leaks.length - 1 ? dst : `${dst}.strip${k}`;
      const r = await applyLeak(src, target, rel, leak, o.labels, o.hidden);
      outcomes.push(r);
      if (src !== join(o.source, rel)) rmSync(src, { force: true });
      if (r.outcome === 'withheld') {
        rmSync(target, { force: true });
        withheld = true;
        break;
      }
      if (r.note === NO_HIDDEN_ROWS) {
        // Nothing was written: carry the file on unchanged.
        linkOrCopy(src, target);
      }
      src = target;
    }
    if (withheld) rmSync(dst, { force: true });
  }
  return { linked, leaks: outcomes };
}
