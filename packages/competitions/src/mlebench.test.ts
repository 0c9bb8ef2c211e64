import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { leaksFor } from './leaks.js';
import { defaultRegistryDir, readChecksums } from './mlebench-registry.js';
import { loadRegistry, type Registry } from './registry.js';
import { repoPlugins, repoRoot } from '@aira/testing';

const REPO_ROOT = repoRoot();

const registryDir = defaultRegistryDir();
const paperFile = join(REPO_ROOT, 'docs', 'paper.md');
const haveRegistry = existsSync(join(registryDir, 'competitions.json'));
interface Entry {
  id: string;
  name: string;
  higherIsBetter: boolean;
  complexity: string;
  lite: boolean;
  inMLEbench30: boolean;
}
const entries: Entry[] = haveRegistry
  ? JSON.parse(readFileSync(join(registryDir, 'competitions.json'), 'utf8'))
  : [];
const byId = new Map(entries.map((e) => [e.id, e]));

/** The 30 ids as docs/paper.md §MLE-bench-30 lists them (5 low, 20 medium, 5 high; lines wrap). */
function mlebench30FromPaper(): string[] {
  const text = readFileSync(paperFile, 'utf8');
  const section = text.slice(text.indexOf('## MLE-bench-30'), text.indexOf('## Metrics'));
  const sizes: Record<string, number> = { Low: 5, Medium: 20, High: 5 };
  const ids: string[] = [];
  for (const m of section.matchAll(/^- \*\*(Low|Medium|High):\*\* ([^]+?)\.\n(?=- |\n)/gm)) {
    const list = m[2]!.split(/,\s+/);
    expect(list).toHaveLength(sizes[m[1]!]!);
    ids.push(...list);
  }
  return ids.sort();
}

let reg: Registry;
beforeAll(async () => {
  // Only this plugin: other plugins in plugins/ are tested by their own authors.
  reg = await loadRegistry({
    pluginsDir: false,
    suitesDir: repoPlugins().suitesDir,
    plugins: [join(REPO_ROOT, 'plugins', 'mlebench')],
  });
});

// The registry folder and the references are read-only shared data beside the repository;
// without them these cross-checks have nothing to compare with.
describe.skipIf(!haveRegistry)('plugins/mlebench', () => {
  it('loads the plugin and every suite file without a problem', () => {
    expect(reg.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`)).toEqual([]);
  });

  it('has one validated manifest per competition of MLE-bench-30, Lite and dev (54)', () => {
    const expected = entries
      .filter((e) => e.inMLEbench30 || e.lite || e.complexity === 'dev')
      .map((e) => e.id)
      .sort();
    expect(expected).toHaveLength(54);
    const ours = reg.factories.filter((f) => f.plugin.name === 'mlebench');
    expect(ours.map((f) => f.id).sort()).toEqual(expected);
    for (const f of ours) {
      expect(f.dir.endsWith(`/mlebench/${f.id}`), f.id).toBe(true);
      const e = byId.get(f.id)!;
      expect(f.manifest.name).toBe(e.name);
      expect(f.manifest.direction, f.id).toBe(e.higherIsBetter ? 'higher-is-better' : 'lower-is-better');
      expect(f.manifest.source?.complexity).toBe(e.complexity);
      expect(f.manifest.grader).toEqual({ kind: 'builtin' });
    }
  });

  it('names only files that MLE-bench prepares: every checked file the layout lists is in checksums.yaml', () => {
    for (const f of reg.factories.filter((x) => x.plugin.name === 'mlebench')) {
      const sums = readChecksums(join(registryDir, 'competitions', f.id, 'checksums.yaml'));
      const d = f.manifest.data;
      const listed = [
        ...d.labelled,
        d.ids.file,
        d.labels.file,
        ...d.testInputs,
        ...d.media.map((m) => m.path),
        d.sampleSubmission,
        d.answers,
        ...(d.goldSubmission ? [d.goldSubmission] : []),
        f.manifest.split.labelled,
      ];
      for (const path of listed) {
        const m = /^(public|private)\/([^/*]+\.(csv|json|jsonl|parquet|bson))$/.exec(path);
        if (!m) continue; // in a sub-folder, zipped or a folder: not something mlebench checksums
        expect(Object.keys(sums[m[1] as 'public' | 'private']), `${f.id}: ${path}`).toContain(m[2]);
      }
    }
  });

  it('points answers and sample submission where MLE-bench config.yaml does', () => {
    for (const f of reg.factories.filter((x) => x.plugin.name === 'mlebench')) {
      const config = readFileSync(join(registryDir, 'competitions', f.id, 'config.yaml'), 'utf8');
      expect(config, f.id).toContain(`answers: ${f.id}/prepared/${f.manifest.data.answers}`);
      expect(config, f.id).toContain(
        `sample_submission: ${f.id}/prepared/${f.manifest.data.sampleSubmission}`,
      );
    }
  });

  it('marks exactly the four MLE-bench-30 competitions with known leaks, listing their leaking files', () => {
    const thirty = new Set(entries.filter((e) => e.inMLEbench30).map((e) => e.id));
    const flagged = reg.factories
      .filter((f) => thirty.has(f.id) && f.manifest.knownIssues.some((k) => k.ref.includes('Known Issues')))
      .map((f) => f.id)
      .sort();
    // docs/paper.md §MLE-bench-30 caveat.
    expect(flagged).toEqual([
      'champs-scalar-coupling',
      'hubmap-kidney-segmentation',
      'multi-modal-gesture-recognition',
      'smartphone-decimeter-2022',
    ]);
    for (const id of flagged) expect(reg.get(id).manifest.leaks.length, id).toBeGreaterThan(0);

    const leaks = (id: string) => reg.get(id).manifest.leaks;
    expect(leaksFor('public/test/aaa1.json', leaks('hubmap-kidney-segmentation'), 'test')).toHaveLength(1);
    expect(
      leaksFor('public/test/aaa1-anatomical-structure.json', leaks('hubmap-kidney-segmentation'), 'test'),
    ).toHaveLength(0);
    // HCE's hubmap recipe withholds the polygons of the images it holds out; train images keep theirs.
    expect(leaksFor('public/train/aaa1.json', leaks('hubmap-kidney-segmentation'), 'hidden')).toHaveLength(0);
    expect(
      leaksFor(
        'public/test/2020-06-04-US-MTV-1/GooglePixel4/span_log.nmea',
        leaks('smartphone-decimeter-2022'),
        'test',
      ),
    ).toHaveLength(1);
    expect(
      leaksFor(
        'public/train/2020-05-15-US-MTV-1/GooglePixel4/span_log.nmea',
        leaks('smartphone-decimeter-2022'),
        'hidden',
      ),
    ).toHaveLength(1);
    // Kaggle's layout keeps the reference log with the phone's own logs under supplemental/.
    expect(
      leaksFor(
        'public/test/2020-06-04-US-MTV-1/GooglePixel4/supplemental/span_log.nmea',
        leaks('smartphone-decimeter-2022'),
        'test',
      ),
    ).toHaveLength(1);
    expect(
      leaksFor(
        'public/train/2020-05-15-US-MTV-1/GooglePixel4/supplemental/span_log.nmea',
        leaks('smartphone-decimeter-2022'),
        'hidden',
      ),
    ).toHaveLength(1);
    expect(
      leaksFor(
        'public/test/2020-06-04-US-MTV-1/GooglePixel4/supplemental/GooglePixel4.nmea',
        leaks('smartphone-decimeter-2022'),
        'test',
      ),
    ).toHaveLength(0);
    expect(
      leaksFor(
        'public/train/2020-05-15-US-MTV-1/GooglePixel4/device_gnss.csv',
        leaks('smartphone-decimeter-2022'),
        'hidden',
      ),
    ).toHaveLength(0);
    expect(leaksFor('public/test.tar.gz', leaks('multi-modal-gesture-recognition'), 'test')[0]?.action).toBe(
      'strip-labels',
    );
    expect(
      leaksFor('public/scalar_coupling_contributions.csv', leaks('champs-scalar-coupling'), 'hidden')[0]
        ?.action,
    ).toBe('strip-hidden-rows');
  });

  it('binds leaderboards and checksums to the registry folder', () => {
    const c = reg.create('spooky-author-identification', { dataDir: '/data', registryDir });
    expect(c.paths.leaderboard).toBe(
      join(registryDir, 'competitions/spooky-author-identification/leaderboard.csv'),
    );
    expect(c.paths.checksums).toBe(
      join(registryDir, 'competitions/spooky-author-identification/checksums.yaml'),
    );
    expect(c.paths.answers).toBe('/data/spooky-author-identification/prepared/private/test.csv');
    expect(c.paths.public).toBe('/data/spooky-author-identification/prepared/public');
    // ventilator's leaderboard is MLE-Dojo's substitute (docs/mlebench-grading.md §Medals).
    const v = reg.create('ventilator-pressure-prediction', { registryDir });
    expect(v.leaderboard?.exact).toBe(false);
    expect(existsSync(v.leaderboard!.file)).toBe(true);
  });
});

describe.skipIf(!haveRegistry)('suites', () => {
  it('mlebench-30 lists exactly the 30 ids of docs/paper.md §MLE-bench-30', () => {
    const s = reg.resolveSuite('mlebench-30');
    const paper = mlebench30FromPaper();
    expect(paper).toHaveLength(30);
    expect([...s.ids].sort()).toEqual(paper);
    expect([...s.ids].sort()).toEqual(
      entries
        .filter((e) => e.inMLEbench30)
        .map((e) => e.id)
        .sort(),
    );
    expect(s.unresolved).toEqual([]);
    expect(s.competitions.map((c) => c.id)).toEqual(s.ids);
  });

  it('mlebench-lite, mlebench-dev and mlebench-all list exactly their ids', () => {
    expect(reg.resolveSuite('mlebench-lite').ids.sort()).toEqual(
      entries
        .filter((e) => e.lite)
        .map((e) => e.id)
        .sort(),
    );
    expect(reg.resolveSuite('mlebench-lite').ids).toHaveLength(22);
    expect(reg.resolveSuite('mlebench-dev').ids.sort()).toEqual(
      entries
        .filter((e) => e.complexity === 'dev')
        .map((e) => e.id)
        .sort(),
    );
    const all = reg.resolveSuite('mlebench-all');
    expect(all.ids).toHaveLength(54);
    expect(new Set(all.ids).size).toBe(54);
    expect(all.unresolved).toEqual([]);
  });

  it('reads benchmarks/suites files as suites too, by name or by path', () => {
    const low = reg.resolveSuite('mlebench-30-low');
    expect(low.ids).toHaveLength(5);
    expect(low.ids.every((id) => byId.get(id)?.complexity === 'low' && byId.get(id)?.inMLEbench30)).toBe(
      true,
    );
    const byPath = reg.resolveSuite(join(REPO_ROOT, 'benchmarks/suites/mlebench-30-high.yaml'));
    expect(byPath.ids.every((id) => byId.get(id)?.complexity === 'high' && byId.get(id)?.inMLEbench30)).toBe(
      true,
    );
    expect(byPath.ids).toHaveLength(5);
  });
});
