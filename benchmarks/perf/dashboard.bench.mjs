// Dashboard figures (`aira serve`): how long a study of 10,000 candidates takes to open (the first
// answer of the study page's API from a fresh server, which reads the whole journal once), and how
// much cheaper following a growing journal is by tailing it (parse only the appended lines) than by
// re-reading it, both measured here in the same process. Select with `npm run bench -- dashboard`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CANDIDATES = 10_000;

export async function run({ report, root }) {
  const mod = (p) => import(pathToFileURL(join(root, p)).href);
  const dash = await mod('packages/dashboard/dist/index.js');
  const coord = await mod('packages/coordinator/dist/index.js');
  const tmp = mkdtempSync(join(tmpdir(), 'aira-dash-bench-'));
  try {
    const runs = join(tmp, 'runs');
    const made = dash.createSyntheticStudy(runs, { studyId: '20260101-000000-big', competitions: ['toy'] });
    const run = made.runs[0];
    dash.populate(run, CANDIDATES, { workers: 8 });
    const bytes = statSync(run.journal).size;
    report('dashboard.study.candidates', CANDIDATES, 'candidates', `journal ${(bytes / 1e6).toFixed(1)} MB`);

    const d = await dash.startDashboard({ runsDir: runs, port: 0 });
    try {
      const timed = async (path) => {
        const t0 = performance.now();
        const res = await fetch(new URL(path, d.url));
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
        return { ms: performance.now() - t0, bytes: body.length };
      };
      // Baseline in the same process just before: reading and replaying the journal, nothing more.
      const t0 = performance.now();
      coord.replay(coord.readJournal(run.journal).events);
      const baseMs = performance.now() - t0;
      const open = await timed('api/study?id=20260101-000000-big');
      report(
        'dashboard.open_10k.first_study_answer',
        open.ms,
        'ms',
        `cold: journal read, replayed and reported; ${(open.bytes / 1e3).toFixed(0)} kB answer`,
      );
      report(
        'dashboard.open_10k.baseline_read_replay',
        baseMs,
        'ms',
        'readJournal + replay of the same journal',
      );
      report('dashboard.open_10k.open_over_baseline', open.ms / baseMs, 'x');
      const again = await timed('api/study?id=20260101-000000-big');
      report(
        'dashboard.open_10k.study_answer_warm',
        again.ms,
        'ms',
        'nothing appended since: served from the tailed state',
      );
      const pop = await timed('api/population?id=20260101-000000-big&run=toy-s0');
      report(
        'dashboard.open_10k.population_answer',
        pop.ms,
        'ms',
        `${(pop.bytes / 1e6).toFixed(1)} MB of nodes for the lineage graph`,
      );
      const list = await timed('api/studies');
      report('dashboard.open_10k.studies_list', list.ms, 'ms');
    } finally {
      await d.close();
    }

    // Following the journal while 100 more events arrive, 20 times: tail vs re-read + replay.
    const tail = new coord.JournalTail(run.journal);
    const state = coord.replay(tail.poll().events);
    let tailMs = 0;
    let rereadMs = 0;
    const rounds = 20;
    for (let i = 0; i < rounds; i++) {
      run.batch(() => {
        for (let k = 0; k < 100; k++) run.event({ type: 'tick' });
      });
      let t0 = performance.now();
      for (const e of tail.poll().events) coord.applyEvent(state, e);
      tailMs += performance.now() - t0;
      t0 = performance.now();
      coord.replay(coord.readJournal(run.journal).events);
      rereadMs += performance.now() - t0;
    }
    report(
      'dashboard.follow.tail_per_poll',
      tailMs / rounds,
      'ms',
      '100 new events, parse only what was appended',
    );
    report(
      'dashboard.follow.reread_per_poll',
      rereadMs / rounds,
      'ms',
      'baseline: readJournal + replay of the whole journal',
    );
    report('dashboard.follow.reread_over_tail', rereadMs / Math.max(tailMs, 1e-6), 'x');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
