import { join, relative } from 'node:path';
import {
  buildAblationReport,
  fig3Spec,
  prOverTimeSpec,
  readAblationDoc,
  testOverTimeSpec,
} from '@aira/ablation';
import type { Library } from './watch.js';

/** An ablation study: the report model's Table 1 / Table 2 rows, its three plot specs, and its cells as studies. */
export function ablationView(lib: Library, id: string) {
  const dir = lib.ablationDir(id);
  const report = buildAblationReport(dir);
  const cells = readAblationDoc(dir).cells.map((c) => ({
    ...c,
    study: relative(lib.root, join(dir, c.cellId)),
  }));
  return {
    id,
    report,
    cells,
    plots: {
      prOverTime: prOverTimeSpec(report),
      fig3: fig3Spec(report),
      testOverTime: testOverTimeSpec(report),
    },
  };
}
