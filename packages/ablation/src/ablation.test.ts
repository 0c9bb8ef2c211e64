import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore, readJournal, type CandidateRecord, type JournalEvent } from '@aira/coordinator';
import { rankOnLeaderboard, readLeaderboard } from '@aira/grading';
import { runAblation, type AblationResult } from './launch/runner.js';
import { parseMatrix } from './matrix/load.js';
import { writeAblationReport, type WrittenAblationReport } from './report/write.js';
import { exportMlebench, type GradingReport } from './report/mlebench.js';
import { assertBuilt, cliLikeRegistry, launch } from './test-support/registry.js';

/**
 * A 2-variant × 2-seed × 1-competition matrix on the mini suite, run for real: the template agent
 * on a shared pool of two local worker daemons (`aira worker`), HCE on and off, small budgets.
 * The aggregation is then checked against numbers worked out here from the journals by hand.
 */

const MATRIX = `name: it
competitions: [mini-diabetes]
seeds: [0, 1]
budget: 60s
checkpoints: ["25%", "100%"]
base:
  agent: { name: template }
  hce: "on"
  budget: { maxJobs: 4, perExec: 40s }
  workers: { spec: [local:2], heartbeat: 1s }
variants:
  full: {}
  no-hce:
    hce: "off"
    workers: { spec: [local:1] }
`;
const CHECKPOINTS = [15_000, 60_000];

const root = mkdtempSync(join(tmpdir(), 'aira-ablation-'));
const out = join(root, 'runs');
const dir = join(out, 'it');
let first: AblationResult;
let written: WrittenAblationReport;

type Added = Extract<JournalEvent, { type: 'candidate.added' }>;
const journal = (cell: string, seed: number) =>
  readJournal(join(dir, cell, `mini-diabetes-s${seed}`, 'journal.jsonl')).events;
const candidatesOf = (cell: string, seed: number): CandidateRecord[] =>
  journal(cell, seed)
    .filter((e): e is Added => e.type === 'candidate.added')
    .map((e) => e.candidate);

/**
 * The submission at t worked out here: valid candidates added by t; the best validation score
 * when any has one (HCE), else the best search score (--hce off); the first of equals.
 */
function pickByHand(cands: CandidateRecord[], t: number): CandidateRecord | null {
  const ok = cands.filter((c) => c.scores.valid && c.timings.activeMs <= t);
  const key = ok.some((c) => typeof c.scores.validation === 'number') ? 'validation' : 'search';
  let best: CandidateRecord | null = null;
  for (const c of ok) {
    const s = c.scores[key];
    if (typeof s !== 'number') continue;
    const lower = c.scores.details?.direction === 'minimize';
    if (!best || (lower ? s < (best.scores[key] as number) : s > (best.scores[key] as number))) best = c;
  }
  return best;
}
const prOf = (c: CandidateRecord | null) =>
  (c?.scores.details?.test as { percentileRank?: number } | undefined)?.percentileRank ?? 0;
const medalOf = (c: CandidateRecord | null) =>
  (c?.scores.details?.test as { medal?: string | null } | undefined)?.medal ?? null;

/** Mean and SE (sample SD over √n), written out. */
function byHand(xs: number[]): { mean: number; se: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
  return { mean, se: sd / Math.sqrt(xs.length) };
}

beforeAll(async () => {
  assertBuilt();
  // One BLAS thread per worker: two workers share the machine's cores.
  process.env.OMP_NUM_THREADS = '1';
  const matrix = parseMatrix(MATRIX, join(root, 'it.yaml'));
  first = await runAblation(matrix, { out, registry: await cliLikeRegistry(), launch });
  written = await writeAblationReport(dir);
}, 600_000);

describe('an ablation study on real local workers', () => {
  it('runs every cell as a one-run study in its own folder', () => {
    expect(first.cells.map((c) => [c.cellId, c.status])).toEqual([
      ['full--mini-diabetes--s0', 'ran'],
      ['no-hce--mini-diabetes--s0', 'ran'],
      ['full--mini-diabetes--s1', 'ran'],
      ['no-hce--mini-diabetes--s1', 'ran'],
    ]);
    for (const c of first.cells) {
      const [variant, , s] = c.cellId.split('--');
      const events = journal(c.cellId, Number(s!.slice(1)));
      expect(events.some((e) => e.type === 'run.ended')).toBe(true);
      const manifest = JSON.parse(
        readFileSync(join(dir, c.cellId, `mini-diabetes-${s}`, 'manifest.json'), 'utf8'),
      ) as { evaluator: string; config: { labels: Record<string, string> } };
      expect(manifest.evaluator).toBe(variant === 'full' ? 'hce' : 'self-reported');
      expect(manifest.config.labels).toMatchObject({ ablation: 'it', variant, cell: c.cellId });
    }
  });

  it('lends each cell as many pool workers as its variant asks for, side by side when they fit', () => {
    const joined = (cell: string, seed: number) =>
      journal(cell, seed)
        .filter((e) => e.type === 'worker.joined')
        .map((e) => (e as Extract<JournalEvent, { type: 'worker.joined' }>).info.address);
    expect(new Set(joined('full--mini-diabetes--s0', 0)).size).toBe(2);
    expect(joined('no-hce--mini-diabetes--s0', 0)).toHaveLength(1);
    expect(joined('no-hce--mini-diabetes--s1', 1)).toHaveLength(1);
    // The two one-worker cells share the two daemons the full cells used, one each, at the same time.
    const pool = new Set(joined('full--mini-diabetes--s0', 0));
    const a = joined('no-hce--mini-diabetes--s0', 0)[0]!;
    const b = joined('no-hce--mini-diabetes--s1', 1)[0]!;
    expect(pool.has(a) && pool.has(b) && a !== b).toBe(true);
    const span = (cell: string, seed: number) => {
      const ev = journal(cell, seed);
      return [ev[0]!.t, ev[ev.length - 1]!.t];
    };
    const [s0, e0] = span('no-hce--mini-diabetes--s0', 0);
    const [s1, e1] = span('no-hce--mini-diabetes--s1', 1);
    expect(s1! < e0! && s0! < e1!).toBe(true);
  });

  it("Table 1: mean Percentile Rank ± SE and medal rates match the journals' numbers worked out by hand", () => {
    const report = written.report;
    for (const variant of ['full', 'no-hce']) {
      CHECKPOINTS.forEach((t, i) => {
        const picks = [0, 1].map((s) => pickByHand(candidatesOf(`${variant}--mini-diabetes--s${s}`, s), t));
        const prs = picks.map(prOf);
        const row = report.table1.find((r) => r.variant === variant && r.checkpoint === ['25%', '100%'][i])!;
        const h = byHand(prs);
        expect(row.n).toBe(2);
        expect(row.pr.mean!).toBeCloseTo(h.mean, 9);
        expect(row.pr.se!).toBeCloseTo(h.se, 9);
        const medals = picks.map(medalOf);
        expect(row.medals.bronzePlus).toBeCloseTo((100 * medals.filter((m) => m !== null).length) / 2, 9);
        expect(row.medals.gold).toBeCloseTo((100 * medals.filter((m) => m === 'gold').length) / 2, 9);
        // One competition: each seed's MLE-bench percentage is 100 or 0; mean ± SE across the two seeds.
        const perSeed = medals.map((m) => (m !== null ? 100 : 0));
        expect(row.medalsBySeed.bronzePlus.mean!).toBeCloseTo(byHand(perSeed).mean, 9);
        expect(row.medalsBySeed.bronzePlus.se!).toBeCloseTo(byHand(perSeed).se, 9);
        // Table 2 (one competition): the same seeds, with the test score of each pick.
        const t2 = report.table2.find((r) => r.variant === variant && r.checkpoint === row.checkpoint)!;
        expect(t2.pr.mean!).toBeCloseTo(h.mean, 9);
        const tests = picks.flatMap((p) => (typeof p?.scores.test === 'number' ? [p.scores.test] : []));
        if (tests.length === 2) expect(t2.test.mean!).toBeCloseTo(byHand(tests).mean, 9);
      });
    }
    // The gap is the paired difference, no-hce − full, on each seed.
    const d = [0, 1].map(
      (s) =>
        prOf(pickByHand(candidatesOf(`no-hce--mini-diabetes--s${s}`, s), 60_000)) -
        prOf(pickByHand(candidatesOf(`full--mini-diabetes--s${s}`, s), 60_000)),
    );
    const g = report.gaps.find((x) => x.variant === 'no-hce' && x.checkpoint === '100%')!;
    expect(g.pr.mean!).toBeCloseTo(byHand(d).mean, 9);
    expect(g.pr.se!).toBeCloseTo(byHand(d).se, 9);
  });

  it('writes Markdown, HTML, JSON and three plots; the JSON is the model the tables come from', () => {
    for (const f of [written.json, written.markdown, written.html, ...written.plots])
      expect(statSync(f).size).toBeGreaterThan(200);
    const json = JSON.parse(readFileSync(written.json, 'utf8')) as typeof written.report;
    expect(json.table1).toEqual(written.report.table1);
    expect(json.launches[0]!.host.cpus).toBeGreaterThan(0);
    expect(json.launches[0]!.ran).toBe(4);
    const md = readFileSync(written.markdown, 'utf8');
    expect(md).toContain('2 variants × 1 competitions × 2 seeds (0, 1) = 4 cells');
    expect(md).toContain('reference leaderboard');
  });

  it("exports each cell's pick in MLE-bench's grading-report format, graded on the competition's leaderboard", () => {
    const file = join(dir, 'mlebench', '100pct', 'full--mini-diabetes--s1_grading_report.json');
    const g = JSON.parse(readFileSync(file, 'utf8')) as GradingReport;
    expect(Object.keys(g)).toEqual([
      'total_runs',
      'total_runs_with_submissions',
      'total_valid_submissions',
      'total_medals',
      'total_gold_medals',
      'total_silver_medals',
      'total_bronze_medals',
      'total_above_median',
      'competition_reports',
    ]);
    const r = g.competition_reports[0]!;
    const pick = pickByHand(candidatesOf('full--mini-diabetes--s1', 1), 60_000)!;
    expect(r.score).toBe(pick.scores.test);
    const lb = readLeaderboard(
      (pick.scores.details!.test as { leaderboard: { file: string } }).leaderboard.file,
    );
    expect(r).toMatchObject({
      competition_id: 'mini-diabetes',
      ...rankOnLeaderboard(pick.scores.test!, lb),
      submission_exists: true,
      valid_submission: true,
    });
    expect(r.is_lower_better).toBe(true);
    expect(existsSync(join(dir, r.submission_path))).toBe(true);
    const all = JSON.parse(
      readFileSync(join(dir, 'mlebench', '100pct', 'full_grading_report.json'), 'utf8'),
    ) as GradingReport;
    expect(all.total_runs).toBe(2);
    expect(all.total_medals).toBe(all.competition_reports.filter((x) => x.any_medal).length);
  });

  it("with submissions, copies each pick's test CSV and lists it the way `mlebench grade --submission` reads", () => {
    exportMlebench(dir, written.report, { submissions: true });
    const folder = join(dir, 'mlebench', '100pct');
    const lines = readFileSync(join(folder, 'submissions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { competition_id: string; submission_path: string });
    expect(lines).toHaveLength(4);
    const pick = pickByHand(candidatesOf('no-hce--mini-diabetes--s0', 0), 60_000)!;
    const line = lines.find(
      (l) => l.submission_path === join('submissions', 'no-hce--mini-diabetes--s0.csv'),
    )!;
    expect(line.competition_id).toBe('mini-diabetes');
    const runDir = join(dir, 'no-hce--mini-diabetes--s0', 'mini-diabetes-s0');
    expect(readFileSync(join(folder, line.submission_path))).toEqual(
      new ArtifactStore(join(runDir, 'artifacts')).get(pick.artifacts['submission/test.csv']!),
    );
    const r = (
      JSON.parse(
        readFileSync(join(folder, 'no-hce--mini-diabetes--s0_grading_report.json'), 'utf8'),
      ) as GradingReport
    ).competition_reports[0]!;
    expect(r.submission_path).toBe(
      join('mlebench', '100pct', 'submissions', 'no-hce--mini-diabetes--s0.csv'),
    );
  });

  it('skips finished cells when the same matrix runs again (no worker started, journals untouched)', async () => {
    const sizes = first.cells.map(
      (c) => statSync(join(dir, c.cellId, `mini-diabetes-${c.cellId.split('--')[2]}`, 'journal.jsonl')).size,
    );
    const again = await runAblation(parseMatrix(MATRIX, join(root, 'it.yaml')), {
      out,
      registry: await cliLikeRegistry(),
      launch,
    });
    expect(again.cells.map((c) => c.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(
      first.cells.map(
        (c) =>
          statSync(join(dir, c.cellId, `mini-diabetes-${c.cellId.split('--')[2]}`, 'journal.jsonl')).size,
      ),
    ).toEqual(sizes);
    expect(existsSync(join(dir, 'workers'))).toBe(false);
  });

  it('refuses to mix a changed matrix into a study made with another', async () => {
    await expect(
      runAblation(parseMatrix(MATRIX.replace('budget: 60s', 'budget: 90s'), join(root, 'it.yaml')), {
        out,
        registry: await cliLikeRegistry(),
        launch,
      }),
    ).rejects.toThrow(/full--mini-diabetes--s0 was run with another configuration of variant "full"/);
  });
});
