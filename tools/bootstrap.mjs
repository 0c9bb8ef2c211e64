#!/usr/bin/env node
// Set-up shared by `npm start`, `npm test` and `npm run bench` on a fresh clone: npm dependencies,
// generated protocol code, the TypeScript build, and the Python ML packages candidate code needs.
// Each step is skipped when its result is already up to date, so a warm re-run takes a second.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const quiet = process.argv.includes('--quiet');
const say = (msg) => !quiet && console.error(`[setup] ${msg}`);
const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { cwd: root, stdio: quiet ? 'pipe' : 'inherit', ...opts });

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const f of readdirSync(path)) {
    if (f === 'node_modules' || f === 'dist' || f === 'out-tsc' || f.startsWith('.')) continue;
    t = Math.max(t, newest(join(path, f)));
  }
  return t;
}

// 1. npm dependencies
const lockTime = Math.max(newest(join(root, 'package-lock.json')), newest(join(root, 'package.json')));
if (
  !existsSync(join(root, 'node_modules/.package-lock.json')) ||
  newest(join(root, 'node_modules/.package-lock.json')) < lockTime
) {
  say('installing npm dependencies');
  run('npm', [existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install', '--no-audit', '--no-fund']);
}

// 2. generated protocol code
const gen = join(root, 'packages/protocol/src/gen/index.ts');
if (!existsSync(gen) || newest(join(root, 'proto')) > newest(gen)) {
  say('generating protocol code from proto/');
  run(process.execPath, [join(root, 'tools/generate-protocol.mjs')]);
}

// 3. TypeScript build (incremental: tsc -b skips what is up to date)
say('building');
run(join(root, 'node_modules/.bin/tsc'), ['-b', 'tsconfig.json']);

// 3b. The dashboard's web app (`aira serve`), bundled by vite from packages/dashboard/web into
//     web-dist/ (not committed), rebuilt when its sources or dependencies change.
const web = join(root, 'packages/dashboard/web');
const webOut = join(root, 'packages/dashboard/web-dist/index.html');
if (existsSync(web) && (!existsSync(webOut) || Math.max(newest(web), lockTime) > newest(webOut))) {
  say('building the dashboard web app');
  run(join(root, 'node_modules/.bin/vite'), ['build', '--config', join(web, 'vite.config.mjs')]);
}

// 4. Python for candidate code (Debian's interpreter with numpy, pandas and scikit-learn), bubblewrap
//    for the sandbox, and the Debian data sets the embedded suite (plugins/mini) is prepared from
//    (r-cran-mlbench's .rda files are read by python3-rdata; the package depends on r-base-core).
//    Installed with apt when we are root; otherwise we print the exact command and stop.
const python = process.env.AIRA_PYTHON ?? '/usr/bin/python3';
const APT = [
  'python3-numpy',
  'python3-pandas',
  'python3-sklearn',
  'bubblewrap',
  'dataset-fashion-mnist',
  'fortunes',
  'r-cran-mlbench',
  'python3-rdata',
];
// Only the dashboard's browser tests (Chromium, headless) and the cluster tests (a real single-node
// Slurm: `--workers slurm`, ablation arrays) need these; installed when we can, never required:
// those tests skip, saying why, without them.
const APT_OPTIONAL = ['chromium', 'slurm-wlm', 'munge'];
const pyOk = () =>
  spawnSync(python, ['-c', 'import numpy, pandas, sklearn'], { stdio: 'ignore' }).status === 0;
const hasDpkg = existsSync('/usr/bin/dpkg-query');
const missingApt = (list = APT) => {
  if (!hasDpkg) return [];
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...list], { encoding: 'utf8' });
  const installed = new Set(
    (r.stdout ?? '')
      .split('\n')
      .filter((l) => l.endsWith('install ok installed'))
      .map((l) => l.split(' ')[0]),
  );
  return list.filter((p) => !installed.has(p));
};
const stop = (why) => {
  console.error(`[setup] ${why}`);
  process.exit(1);
};
if (process.env.AIRA_SKIP_APT !== '1') {
  let missing = missingApt();
  const optional = missingApt(APT_OPTIONAL);
  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (optional.length > 0 && !canApt)
    say(
      `not installed: ${optional.join(' ')} (the dashboard's browser tests and the Slurm tests skip without them)`,
    );
  if (canApt) missing = [...missing, ...optional];
  if (missing.length > 0 && canApt) {
    say(`installing Debian packages: ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const upd = spawnSync('apt-get', ['update', '-qq'], { stdio: quiet ? 'ignore' : 'inherit', env });
    if (upd.status !== 0) say('apt-get update failed; trying the install anyway');
    const inst = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
      stdio: quiet ? 'ignore' : 'inherit',
      env,
    });
    if (inst.status !== 0) say(`apt-get install ended with status ${inst.status}`);
    missing = missingApt();
  }
  if (missing.length > 0) {
    stop(
      `missing Debian packages: ${missing.join(' ')} (candidate code needs the Python ones, the sandbox bubblewrap, the embedded suite the data sets).\n` +
        `        Install them with:  sudo apt-get install -y --no-install-recommends ${missing.join(' ')}\n` +
        '        (or set AIRA_SKIP_APT=1 to go on without them)',
    );
  }
  if (!pyOk()) {
    stop(
      `${python} cannot import numpy, pandas and scikit-learn, which candidate code needs.\n` +
        `        Install them with:  sudo apt-get install -y ${APT.slice(0, 3).join(' ')}\n` +
        '        or point AIRA_PYTHON at an interpreter that has them.',
    );
  }
}
say('ready');
