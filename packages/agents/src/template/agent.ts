import type { Agent, AgentContext, ExecResult, Job, RunConfig, Session, Submission } from '@aira/coordinator';
import { competitionFacts } from './facts.js';
import { LayoutError, planLayout, type DataLayout } from './layout.js';
import { planJob } from './plan.js';
import { parseProbe, probeCode } from './probe.js';
import { renderScript } from './render.js';
import { spaceFor } from './space.js';

export const TEMPLATE_AGENT = 'template';

/** Said wherever a run's agent is named (CLI, manifest, report), so nobody mistakes it for a model. */
export const TEMPLATE_AGENT_DESCRIPTION =
  'template (LLM-free: scikit-learn solution templates; no language model is used)';

const CODE_PATH = 'solution.py';

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The traceback of a failed run (from its last "Traceback" line), or its last lines, kept short. */
export function failureText(result: Pick<ExecResult, 'output' | 'exitCode' | 'reason'>): string {
  const out = result.output.trimEnd();
  const at = out.lastIndexOf('Traceback (most recent call last):');
  let body = at >= 0 ? out.slice(at) : out.split('\n').slice(-20).join('\n');
  if (body.length > 4000) body = `${body.slice(0, 1000)}\n[...]\n${body.slice(-2900)}`;
  const how = result.reason ? `ended: ${result.reason}` : `exited with code ${result.exitCode}`;
  return `${CODE_PATH} ${how}${body ? `\n${body}` : ''}`;
}

/**
 * The `template` agent: no language model. Each job writes one readable scikit-learn
 * script from a template for the run's data — a draft draws the template's choices from the job's
 * seed, a mutation changes one to three of its parent's, a crossover mixes two parents', a debug
 * changes the choice the parent's error names — runs it once in the session, and submits the
 * prediction files it wrote. The script prints its own holdout score (`score: <number>`), so runs
 * without HCE can use it.
 */
export function templateAgent(_config?: RunConfig): Agent {
  // One layout per run: the data folder is the same for every job of a run.
  const layouts = new Map<string, Promise<DataLayout>>();

  async function layoutFor(job: Job, session: Session): Promise<DataLayout> {
    const key = `${job.runId}|${job.task.dataPath ?? ''}`;
    let p = layouts.get(key);
    if (!p) {
      p = (async () => {
        const facts = competitionFacts(job.task.definition);
        const probed = await session.exec('python', probeCode(session.dirs.data), {
          label: 'template:probe',
        });
        const probe = parseProbe(probed.output);
        if (!probe)
          throw new Error(
            `the data probe printed nothing usable (exit ${probed.exitCode}): ${probed.output.slice(-500)}`,
          );
        return planLayout(probe, job.task, facts ?? undefined);
      })();
      layouts.set(key, p);
      // A failed probe (cancelled job, lost worker) is tried again by the next job.
      p.catch(() => layouts.delete(key));
    }
    return p;
  }

  return {
    name: TEMPLATE_AGENT,
    async runJob(job: Job, session: Session, ctx: AgentContext): Promise<Submission> {
      let layout: DataLayout;
      try {
        layout = await layoutFor(job, session);
      } catch (err) {
        if (!(err instanceof LayoutError)) throw err;
        await ctx.record({ kind: 'template.layout', error: err.message });
        return {
          code: '',
          codePath: CODE_PATH,
          files: [],
          output: '',
          exitCode: -1,
          failure: `template agent: ${err.message}`,
        };
      }
      const space = spaceFor(layout.modality, layout.task);
      const plan = planJob(job, space);
      const code = renderScript({
        template: space.template,
        choices: plan.choices,
        layout,
        origin: plan.origin,
      });
      await ctx.record({
        kind: 'template.plan',
        template: space.template,
        operator: plan.applied,
        choices: plan.choices,
        changes: plan.changes,
        ...(plan.blamed ? { blamed: plan.blamed } : {}),
        ...(plan.from ? { from: plan.from } : {}),
      });
      await session.putFiles([{ path: `work/${CODE_PATH}`, data: Buffer.from(code), mode: 0o755 }]);
      const python = session.python || '/usr/bin/python3';
      const result = await session.exec(
        'bash',
        `cd ${quote(session.dirs.work)} && ${quote(python)} ${CODE_PATH}`,
        { label: 'solution' },
      );
      const files = await session.getFiles(['submission']);
      await ctx.record({
        kind: 'template.run',
        exitCode: result.exitCode,
        durationMs: result.durationMs,
        reason: result.reason,
        files: files.map((f) => f.path),
      });
      const failed = result.exitCode !== 0 || result.reason !== '';
      const model = String(plan.choices.model);
      const what = plan.changes.length
        ? `; changed ${plan.changes.map((c) => `${c.key}=${String(c.to)}`).join(', ')}`
        : '';
      return {
        code,
        codePath: CODE_PATH,
        files,
        output: result.output,
        exitCode: result.exitCode,
        failure: failed ? failureText(result) : undefined,
        summary: `${space.template} ${plan.applied} (template agent, no LLM): model ${model}${what}`,
      };
    },
  };
}
