// CLI start: `aira --version` as a whole process (every command pays node start plus what it
// loads), beside a bare `node -e 0` in the same run. Goal: at most 0.15 s on a quiet machine, where
// a bare node starts in about 0.05 s; judged as a ratio to the bare start measured here (≤ 3x), in
// CPU time (user + sys: on a shared 2-core machine even a bare start's wall time swings several-fold
// with the others' load, its CPU time much less); best of several runs, wall time beside it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const RUNS = 7;
const GOAL_S = 0.15;
/** 0.15 s against the ~0.05 s of a bare node start on a quiet machine. */
const GOAL_RATIO = 3;

function timed(args) {
  const t0 = performance.now();
  const r = spawnSync(
    '/bin/bash',
    ['-c', '"$@" >/dev/null; rc=$?; times >&2; exit $rc', 'bash', process.execPath, ...args],
    { encoding: 'utf8' },
  );
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`);
  const last = r.stderr.trim().split('\n').pop();
  const cpu = last
    .split(/\s+/)
    .map((t) => {
      const m = /^(\d+)m([\d.]+)s$/.exec(t);
      return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
    })
    .reduce((a, b) => a + b, 0);
  return { wall, cpu };
}

async function start({ report, goal, root }) {
  const aira = join(root, 'packages/cli/bin/aira.js');
  const runs = { version: [], grade: [], node: [] };
  for (let i = 0; i < RUNS; i++) {
    runs.node.push(timed(['-e', '0']));
    runs.version.push(timed([aira, '--version']));
    runs.grade.push(timed([aira, 'grade', '--help']));
  }
  const bestOf = (xs, k) => Math.min(...xs.map((x) => x[k]));
  const v = bestOf(runs.version, 'wall'),
    n = bestOf(runs.node, 'wall'),
    g = bestOf(runs.grade, 'wall');
  report(
    'cli.start.version_s',
    v,
    's',
    `aira --version, wall, best of ${RUNS}; CPU ${bestOf(runs.version, 'cpu').toFixed(3)} s`,
  );
  report(
    'cli.start.grade_help_s',
    g,
    's',
    `aira grade --help (loads the grade command), wall, best of ${RUNS}`,
  );
  report('cli.start.node_s', n, 's', `baseline: node -e 0, wall, best of ${RUNS}`);
  report('cli.start.version_over_node', v / n, 'ratio', 'aira --version / bare node start');
  const vc = bestOf(runs.version, 'cpu'),
    nc = bestOf(runs.node, 'cpu');
  goal(
    'aira --version (every command pays it)',
    `<= ${GOAL_S} s (${GOAL_RATIO}x bare node)`,
    `${(vc / nc).toFixed(2)}x bare node: ${vc.toFixed(3)} s vs ${nc.toFixed(3)} s CPU; wall ${v.toFixed(3)} s vs ${n.toFixed(3)} s`,
    vc / nc <= GOAL_RATIO,
  );
}

export const parts = { start };
