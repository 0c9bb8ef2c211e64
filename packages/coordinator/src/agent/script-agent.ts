import { basename, extname } from 'node:path';
import { z } from 'zod';
import { ConfigError, dottedPath, fieldIssues, readTextFile } from '@aira/core';
import type { RunConfig } from '../config/schema.js';
import type { Agent, ExecResult, Job, Session, SessionFile, Submission } from './types.js';

/** The `agent` section of a run whose agent is `script` (other agents' settings in it are left unused). */
export const ScriptAgentConfig = z.object({
  name: z.string().min(1),
  /** The file run as every job's solution. */
  script: z.string({ error: 'the script agent needs a script (--script FILE)' }).min(1),
  /** The command that runs the script; default by extension (.py → python3, .sh → bash). */
  interpreter: z.string().optional(),
});
export type ScriptAgentConfig = z.output<typeof ScriptAgentConfig>;

/** The script agent's settings of a run (a config made in code carries them unvalidated). */
export function scriptConfigOf(config: RunConfig): ScriptAgentConfig {
  const r = ScriptAgentConfig.safeParse(config.agent);
  if (r.success) return r.data;
  const issue = fieldIssues(r.error.issues, { prefix: ['agent'] })[0]!;
  throw new ConfigError(`${dottedPath(issue.path)}: ${issue.message}`);
}

/** Quotes a word for bash. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The job description a script finds in its work folder (job.json) and environment. */
export function jobManifest(job: Job, codePath: string): Record<string, unknown> {
  return {
    id: job.spec.id,
    index: job.spec.index,
    runId: job.runId,
    operator: job.spec.operator,
    seed: job.spec.seed,
    attempt: job.attempt,
    debugDepth: job.spec.debugDepth,
    competition: job.task.competition,
    direction: job.task.direction,
    parents: job.parents.map((p) => ({
      id: p.id,
      operator: p.operator,
      valid: p.valid,
      searchScore: p.searchScore,
      reason: p.reason ?? null,
      code: `parents/${p.id}/${codePath}`,
      output: `parents/${p.id}/output.txt`,
    })),
  };
}

/**
 * The `script` agent: runs one file as the solution of every job, in the job's session, with the
 * job's seed and parents available (env vars AIRA_JOB_* and work/job.json, parents' code and
 * output under work/parents/<id>/), then submits what it wrote to the submission folder.
 */
export function scriptAgent(config: RunConfig): Agent {
  const settings = scriptConfigOf(config);
  const file = settings.script;
  const code = readTextFile(file, 'script');
  const ext = extname(file) || '.sh';
  const codePath = `solution${ext}`;
  return {
    name: 'script',
    // The solution is the same in every job: it is in the session before runJob.
    sessionFiles: [{ path: `work/${codePath}`, data: Buffer.from(code), mode: 0o755 }],
    async runJob(job: Job, session: Session) {
      return submit(
        session,
        await session.exec('bash', solutionCommand(job, session), {
          label: 'solution',
          files: jobFiles(job),
        }),
      );
    },
    // The solution runs as one exec: a new coordinator can follow it to its end and submit.
    canResume: (running) => running?.label === 'solution',
    async resumeJob(job, session, _ctx, running) {
      // Sent again with its own command: journaled but never received (the coordinator died in
      // between), it runs now; already on the worker, it is followed from its start.
      const start = session.dirs.work
        ? { kind: 'bash' as const, code: solutionCommand(job, session), files: jobFiles(job) }
        : undefined;
      return submit(session, await session.attach(running!.execId, { label: 'solution', start }));
    },
  };

  /** The job's own files (job.json, its parents' code and output): the same each time they are built. */
  function jobFiles(job: Job): SessionFile[] {
    const files: SessionFile[] = [
      { path: 'work/job.json', data: Buffer.from(JSON.stringify(jobManifest(job, codePath), null, 2)) },
    ];
    for (const p of job.parents) {
      files.push({ path: `work/parents/${p.id}/${codePath}`, data: Buffer.from(p.code) });
      files.push({ path: `work/parents/${p.id}/output.txt`, data: Buffer.from(p.output) });
    }
    return files;
  }

  /** The solution's command line: the same for a job's attempt each time it is built. */
  function solutionCommand(job: Job, session: Session): string {
    const work = session.dirs.work;
    const env: Record<string, string> = {
      AIRA_JOB_ID: job.spec.id,
      AIRA_JOB_SEED: String(job.spec.seed),
      AIRA_JOB_OPERATOR: job.spec.operator,
      AIRA_JOB_ATTEMPT: String(job.attempt),
      AIRA_PARENTS: job.parents.map((p) => p.id).join(','),
      AIRA_JOB_JSON: `${work}/job.json`,
      AIRA_DATA_DIR: session.dirs.data,
      AIRA_WORK_DIR: work,
      AIRA_SUBMISSION_DIR: session.dirs.submission,
    };
    const interpreter =
      settings.interpreter ??
      (ext === '.py' ? session.python || 'python3' : ext === '.sh' ? 'bash' : `./${basename(codePath)}`);
    const assignments = Object.entries(env)
      .map(([k, v]) => `${k}=${shellQuote(v)}`)
      .join(' ');
    // Assignments before the command reach its environment as `env` would, one exec fewer per job.
    return interpreter === `./${codePath}`
      ? `cd ${shellQuote(work)} && ${assignments} ./${codePath}`
      : `cd ${shellQuote(work)} && ${assignments} ${interpreter} ${codePath}`;
  }

  async function submit(session: Session, result: ExecResult): Promise<Submission> {
    const outputs = await session.getFiles(['submission']);
    return {
      code,
      codePath,
      files: outputs,
      output: result.output,
      exitCode: result.exitCode,
      failure: result.reason ? `solution ended: ${result.reason}` : undefined,
    };
  }
}
