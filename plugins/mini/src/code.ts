import { dirname } from 'node:path';
import type { GradeInput, PluginCode, PrepareContext } from '@aira/competitions';
import { gradeMini } from './graders.js';
import type { MiniId } from './paths.js';
import { prepareMini } from './prepare.js';

/**
 * What each mini competition's index.ts exports to the competitions plugin API: a code grader
 * (`grader.kind: "code"` in its manifest) and the data preparation step.
 */
export function miniPluginCode(id: MiniId): Required<Pick<PluginCode, 'grade' | 'prepare'>> {
  return {
    grade: (input: GradeInput) => gradeMini(id, input.submission, input.answers),
    // The competition says where its prepared folder is (<data>/<id>/prepared, or data.root).
    prepare: async (ctx: PrepareContext) => {
      await prepareMini(id, { prepared: dirname(ctx.public) });
    },
  };
}
