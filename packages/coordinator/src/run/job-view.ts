import type { Job, ParentView, TaskInfo } from '../agent/types.js';
import type { ArtifactStore } from '../state/artifacts.js';
import type { RunState } from '../state/run-state.js';
import type { JobSpec } from '../state/types.js';

const OUTPUT_TAIL = 64 * 1024;

/**
 * The job as an agent sees it. Parents carry their code, search score and output tail; the
 * validation and test scores never leave the coordinator (docs/paper.md §HCE).
 */
export function buildJob(
  state: RunState,
  artifacts: ArtifactStore,
  spec: JobSpec,
  runId: string,
  attempt: number,
  task: TaskInfo,
): Job {
  const parents: ParentView[] = spec.parents.map((id) => {
    const c = state.candidates.get(id);
    if (!c) throw new Error(`job ${spec.id}: parent ${id} is not a candidate of run ${runId}`);
    const output = artifacts.get(c.output);
    return {
      id: c.id,
      operator: c.operator,
      code: artifacts.text(c.code),
      valid: c.scores.valid,
      searchScore: c.scores.search,
      reason: c.scores.reason,
      output: output.subarray(Math.max(0, output.length - OUTPUT_TAIL)).toString('utf8'),
      summary: c.summary,
    };
  });
  return { spec, runId, attempt, parents, task };
}
