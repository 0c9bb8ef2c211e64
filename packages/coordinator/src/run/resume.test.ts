import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CandidateRecord } from '../state/types.js';
import { rngFor } from '../search/rng.js';
import {
  AIRA_BIN,
  eventsOf,
  journalOf,
  sleepyScript,
  useWorkers,
  type TestWorkers,
} from '../test-support/workers.js';

let workers: TestWorkers;
let root: string;
useWorkers(2, 'aira-resume-', (w, dir) => ((workers = w), (root = dir)));

interface Child {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(): void;
}

/** `aira run ...` as a child process: the coordinator under test, killable with SIGKILL. */
function aira(args: string[]): Child {
  const child = spawn(process.execPath, [AIRA_BIN, 'run', '--quiet', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    exited: new Promise((r) => child.once('exit', (code, signal) => r({ code, signal, stderr }))),
    kill: () => child.kill('SIGKILL'),
  };
}

function journalLines(path: string, containing?: string): number {
  try {
    const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    return containing ? lines.filter((l) => l.includes(containing)).length : lines.length;
  } catch {
    return 0;
  }
}

/**
 * Runs it and SIGKILLs it at a point given either as a delay or as the journal reaching a number
 * of events (so kills land anywhere in the run, not only in its start-up), if it is still running.
 */
type KillPoint =
  { afterMs: number } | { atEvents: number; journal: string } | { atCandidates: number; journal: string };

async function runAndMaybeKill(args: string[], kill: KillPoint | null): Promise<'killed' | 'finished'> {
  const c = aira(args);
  let timer: NodeJS.Timeout | undefined;
  if (kill && 'afterMs' in kill) timer = setTimeout(() => c.kill(), kill.afterMs);
  else if (kill && 'atEvents' in kill)
    timer = setInterval(() => journalLines(kill.journal) >= kill.atEvents && c.kill(), 5);
  else if (kill)
    timer = setInterval(
      () => journalLines(kill.journal, '"candidate.added"') >= kill.atCandidates && c.kill(),
      5,
    );
  const r = await c.exited;
  clearTimeout(timer);
  clearInterval(timer);
  if (r.signal === 'SIGKILL') return 'killed';
  expect(r.code, r.stderr).toBe(0);
  return 'finished';
}

const MAX_JOBS = 5;

describe('kill -9 of the coordinator', () => {
  it('resumes every time with no lost and no duplicated candidate (10 trials at random points)', async () => {
    const script = sleepyScript(root, 0.05, 0.25);
    let killsMidRun = 0;
    let adopted = 0;
    for (let trial = 0; trial < 10; trial++) {
      const rng = rngFor(2026, 'kill-trial', trial);
      const out = join(root, `trial-${trial}`);
      const common = [
        '--workers',
        `hosts:${workers.hostsFile}`,
        '--token-file',
        workers.tokenFile,
        '--out',
        out,
      ];
      // The run's journal is found once the study folder exists (its id is made by the coordinator).
      const journalPath = () => {
        const id = existsSync(out)
          ? readdirSync(out).find((d) => existsSync(join(out, d, 'study.json')))
          : undefined;
        return id ? join(out, id, 'script-s0', 'journal.jsonl') : join(out, 'none');
      };
      // A third of the trials kill at a random time, a third at a random journal event, and a third
      // right after a random candidate (1..MAX_JOBS-1), so kills between candidates happen whatever
      // the machine's load does to timing.
      const firstKill: KillPoint =
        trial % 3 === 0
          ? { afterMs: 100 + rng.int(1500) }
          : trial % 3 === 1
            ? {
                atCandidates: 1 + rng.int(MAX_JOBS - 1),
                get journal() {
                  return journalPath();
                },
              }
            : {
                atEvents: 1 + rng.int(60),
                get journal() {
                  return journalPath();
                },
              };
      const first = await runAndMaybeKill(
        [...common, '--script', script, '--max-jobs', String(MAX_JOBS), '--heartbeat', '500ms'],
        firstKill,
      );
      const studies = existsSync(out)
        ? readdirSync(out).filter((d) => existsSync(join(out, d, 'study.json')))
        : [];
      if (studies.length === 0) {
        // Killed before the study existed: nothing to resume, nothing was lost.
        expect(first).toBe('killed');
        continue;
      }
      const studyId = studies[0]!;
      const runDir = join(out, studyId, 'script-s0');
      let outcome = first;
      let kills = first === 'killed' ? 1 : 0;
      const before = new Map<string, CandidateRecord>();
      // Resume (and sometimes kill the resumed coordinator too) until the run ends.
      let lastResumeHadJournal = false;
      while (outcome === 'killed') {
        const journal = journalOf(runDir);
        // A coordinator killed before its run's first event leaves nothing to resume: it starts the
        // run. One killed after journaling run.ended (while closing down) leaves nothing to resume
        // either: the next start finds the run ended and writes no run.resumed.
        lastResumeHadJournal = journal.length > 0 && eventsOf(journal, 'run.ended').length === 0;
        for (const e of eventsOf(journal, 'candidate.added')) before.set(e.candidate.id, e.candidate);
        if (before.size > 0 && before.size < MAX_JOBS) killsMidRun++;
        const killAgain =
          kills < 2 && rng.next() < 0.4
            ? { atEvents: journal.length + 1 + rng.int(25), journal: join(runDir, 'journal.jsonl') }
            : null;
        outcome = await runAndMaybeKill(['--resume', studyId, '--out', out], killAgain);
        if (outcome === 'killed') kills++;
      }
      const events = journalOf(runDir);
      const ended = eventsOf(events, 'run.ended');
      expect(ended, `trial ${trial}`).toHaveLength(1);
      expect(ended[0]!.reason).toBe('max-jobs');
      const added = eventsOf(events, 'candidate.added');
      // No candidate counted twice, none lost: exactly one per job j0001..j0005.
      expect(added.map((a) => a.candidate.jobId).sort(), `trial ${trial}`).toEqual(
        Array.from({ length: MAX_JOBS }, (_, i) => `j${String(i + 1).padStart(4, '0')}`),
      );
      expect(eventsOf(events, 'job.created')).toHaveLength(MAX_JOBS);
      for (const [id, c] of before)
        expect(added.find((a) => a.candidate.id === id)?.candidate, `trial ${trial} ${id}`).toEqual(c);
      // Each restart journaled itself, and in-flight attempts were abandoned, never completed twice.
      expect(eventsOf(events, 'run.started')).toHaveLength(1);
      // (a resumed coordinator killed again while starting may not have written its own)
      expect(eventsOf(events, 'run.resumed').length).toBeGreaterThanOrEqual(lastResumeHadJournal ? 1 : 0);
      expect(eventsOf(events, 'run.resumed').length).toBeLessThanOrEqual(kills);
      for (const a of eventsOf(events, 'attempt.abandoned'))
        expect(a.reason).toMatch(/^coordinator restarted/);
      // A job taken over from the dead coordinator kept its attempt; any other in-flight job was re-run.
      for (const a of eventsOf(events, 'attempt.adopted')) {
        const laterAbandoned = eventsOf(events, 'attempt.abandoned').some(
          (x) => x.seq > a.seq && x.jobId === a.jobId && x.attempt === a.attempt,
        );
        if (!laterAbandoned)
          expect(
            added.find((c) => c.candidate.jobId === a.jobId)!.candidate.attempt,
            `trial ${trial} ${a.jobId}`,
          ).toBe(a.attempt);
      }
      adopted += eventsOf(events, 'attempt.adopted').length;
    }
    // The random points must actually include kills between the first and the last candidate.
    expect(killsMidRun).toBeGreaterThanOrEqual(3);
    console.info(
      `kill -9 trials: ${killsMidRun} kills between first and last candidate, ${adopted} running solution(s) taken over`,
    );
  }, 300_000); // ten trials of two or three `aira run` processes each
});
