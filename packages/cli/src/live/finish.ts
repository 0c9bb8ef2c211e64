import type { StudyResult } from '@aira/coordinator';
import { writeStudyReport } from '@aira/report';
import { reportOptions } from '../report.js';
import type { ProgressMode } from './progress.js';

/** How to resume, as the user started the study: through `npm start` the `aira` bin is not on PATH. */
export function resumeCommand(studyId: string, out?: string, env: NodeJS.ProcessEnv = process.env): string {
  const tail = `--resume ${studyId}${out ? ` --out ${out}` : ''}`;
  return env.npm_lifecycle_event === 'start' ? `npm start -- ${tail}` : `aira run ${tail}`;
}

/**
 * The end of `aira run`: the study's report (also when it was stopped: then it is partial), one
 * line per run, and last the report's path, or, for a stopped study, how to resume it.
 */
export async function finishStudy(
  result: StudyResult,
  flags: { out?: string },
  mode: ProgressMode,
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const written = await writeStudyReport(result.dir, await reportOptions());
  const resume = resumeCommand(result.studyId, flags.out);
  if (mode === 'json') {
    const runs = result.runs.map((r) => ({
      runId: r.runId,
      reason: r.reason,
      candidates: r.candidates,
      finalPick: r.finalPick,
    }));
    const report = {
      markdown: written.markdown,
      html: written.html,
      json: written.json,
      mlebench: written.mlebench,
    };
    out.write(
      `${JSON.stringify({ type: 'study.ended', studyId: result.studyId, dir: result.dir, stopped: result.stopped, runs, report, ...(result.stopped ? { resume } : {}) })}\n`,
    );
    return;
  }
  for (const r of result.runs) {
    const pick = r.finalPick
      ? `final pick ${r.finalPick.candidateId} (${r.finalPick.by} score ${r.finalPick.score})`
      : 'no valid candidate';
    out.write(`${result.studyId}/${r.runId}: ${r.reason}, ${r.candidates} candidate(s), ${pick}\n`);
  }
  if (result.stopped) {
    out.write(`report so far: ${written.html}\n`);
    out.write(`study ${result.studyId} stopped; resume with: ${resume}\n`);
    return;
  }
  out.write(`report: ${written.markdown}\n`);
  out.write(`report: ${written.html}\n`);
  if (written.mlebench) out.write(`MLE-bench grading report: ${written.mlebench}\n`);
}
