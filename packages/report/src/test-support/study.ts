import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CandidateRecord, EventBody, JournalEvent } from '@aira/coordinator';

/** A candidate as a journal records it, with the HCE details the report reads. */
export interface FakeCandidate {
  id: string;
  operator?: CandidateRecord['operator'];
  parents?: string[];
  at: number;
  search: number | null;
  validation?: number | null;
  test?: number | null;
  valid?: boolean;
  medal?: 'gold' | 'silver' | 'bronze' | null;
  percentileRank?: number;
  leaderboard?: 'file' | 'mlebench';
}

export function candidateRecord(
  c: FakeCandidate,
  direction: 'maximize' | 'minimize',
  workerId = 'wrk-a',
): CandidateRecord {
  const sha = (c.id + '0'.repeat(64)).slice(0, 64).replace(/[^0-9a-f]/g, 'a');
  return {
    id: c.id,
    jobId: `j${c.id.slice(1)}`,
    operator: c.operator ?? 'draft',
    parents: c.parents ?? [],
    attempt: 1,
    workerId,
    debugDepth: 0,
    code: { sha256: sha, size: 10 },
    artifacts: {},
    output: { sha256: sha, size: 1 },
    scores: {
      valid: c.valid ?? true,
      search: c.search,
      validation: c.validation ?? null,
      test: c.test ?? null,
      details: {
        direction,
        test: {
          score: c.test ?? null,
          valid: c.test !== null,
          percentileRank: c.percentileRank ?? 0,
          medal: c.medal ?? null,
          aboveMedian: (c.percentileRank ?? 0) > 50,
          leaderboard: { kind: c.leaderboard ?? 'file', file: '/x/leaderboard.csv', exact: true },
        },
        protection: { sandbox: 'none', protected: false },
      },
    },
    timings: { startedAt: 0, submittedAt: 0, evaluatedAt: 0, activeMs: c.at },
    summary: `${c.operator ?? 'draft'} ${c.id}`,
  };
}

export interface FakeRun {
  runId: string;
  competition: string;
  direction: 'maximize' | 'minimize';
  candidates: FakeCandidate[];
  /** Active ms at the run's end; undefined leaves the run without a run.ended event. */
  endedAt?: number;
  sandbox?: string;
}

/** Writes a study folder (study.json, each run's manifest.json and journal.jsonl) as the coordinator lays it out. */
export function writeStudy(
  runs: FakeRun[],
  opts: { suite?: string; budgetMs?: number; agent?: string } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'aira-report-'));
  const study = {
    studyId: 'study-1',
    createdAt: '2026-01-01T00:00:00.000Z',
    airaVersion: '0.1.0',
    config: {
      suite: opts.suite,
      agent: { name: opts.agent ?? 'template' },
      search: { policy: 'evolution' },
      budget: { wallClock: opts.budgetMs ?? 60_000 },
    },
    provenance: {},
    runs: runs.map((r) => ({ runId: r.runId, competition: r.competition, seed: 0 })),
  };
  writeFileSync(join(dir, 'study.json'), JSON.stringify(study));
  for (const r of runs) {
    const runDir = join(dir, r.runId);
    mkdirSync(runDir, { recursive: true });
    writeFileSync(
      join(runDir, 'manifest.json'),
      JSON.stringify({ agent: opts.agent ?? 'template', evaluator: 'hce' }),
    );
    const bodies: Array<[number, EventBody]> = [
      [
        0,
        {
          type: 'run.started',
          studyId: 'study-1',
          runId: r.runId,
          seed: 0,
          competition: r.competition,
          policy: 'evolution',
          search: {},
          direction: 'maximize',
        },
      ],
      [
        0,
        {
          type: 'worker.joined',
          workerId: 'wrk-a',
          info: { address: '127.0.0.1:1', source: 'local', sandbox: r.sandbox ?? 'none' },
        },
      ],
    ];
    for (const c of r.candidates) {
      const rec = candidateRecord(c, r.direction);
      bodies.push([
        c.at,
        {
          type: 'job.created',
          job: {
            id: rec.jobId,
            index: bodies.length,
            operator: rec.operator,
            parents: rec.parents,
            seed: 0,
            debugDepth: 0,
          },
        },
      ]);
      bodies.push([c.at, { type: 'candidate.added', candidate: rec }]);
    }
    if (r.endedAt !== undefined)
      bodies.push([r.endedAt, { type: 'run.ended', reason: 'budget', finalPick: null }]);
    const events = bodies.map(
      ([active, body], seq) => ({ seq, t: 1_000_000 + active, active, ...body }) as JournalEvent,
    );
    writeFileSync(join(runDir, 'journal.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  }
  return dir;
}
