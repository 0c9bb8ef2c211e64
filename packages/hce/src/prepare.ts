import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, extname, join, relative } from 'node:path';
import { ConfigError } from '@aira/core';
import type { Competition } from '@aira/competitions';
import { hceCacheDir, hceSplitSeed } from './cache.js';
import { hceDescriptionFile, hceInstructions, openInstructions, type DescribeInput } from './description.js';
import { canonicalJson, FileHasher, memoPath, sha256Hex } from './hash.js';
import { RECIPES } from './recipes/index.js';
import { assemblePublic } from './split/assemble.js';
import type { Fractions } from './split/assign.js';
import { builtinSplitter, publicRel } from './split/builtin.js';
import { linkOrCopy, listFiles } from './split/files.js';
import type { HiddenPart } from './split/labelled.js';
import type { LeakOutcome } from './split/leaks.js';
import type { Splitter, SplitterResult } from './split/types.js';

/** Bump when the split or the folder layout changes: old cache entries are then never reused. */
export const HCE_FORMAT = 1;

export interface PrepareOptions {
  /** Default: AIRA_HCE_SPLIT_SEED, else 0 (never the run seed). */
  splitSeed?: number;
  /** Default: AIRA_HCE_CACHE, else ~/.cache/aira/hce. */
  cacheDir?: string;
  /** Default: the manifest's split.fractions (80/10/10). */
  fractions?: Fractions;
  /** Rebuild even when the cache has this split. */
  force?: boolean;
}

/** hce.json: how a split was made. It holds no answer value and lives beside, not inside, public/. */
export interface HceManifest {
  format: number;
  competition: string;
  key: string;
  splitSeed: number;
  fractions: Fractions;
  splitter: string;
  method: string;
  counts: Record<string, { rows: number; units: number }>;
  /** Relative to the public folder. */
  train: string[];
  inputs: Record<HiddenPart | 'test', string[]>;
  /** Where each hidden part's media are, when the splitter moved them (absent: beside the train media). */
  media?: Record<HiddenPart, string[]>;
  samples: Record<HiddenPart | 'test', string>;
  /** Relative to the split folder (hidden/…). */
  answers: Record<HiddenPart | 'test', string>;
  leaks: LeakOutcome[];
  /** SHA-256 of every file the split wrote (linked files are the competition's own). */
  written: Record<string, string>;
  createdAt: string;
}

/** A prepared HCE split: the public folder sessions see and the hidden answers that stay here. */
export interface HceSplit {
  competition: Competition;
  key: string;
  dir: string;
  publicDir: string;
  hiddenDir: string;
  /** Absolute answer files. */
  answers: Record<HiddenPart | 'test', string>;
  /** What the agent is told (also at the end of public/description.md). */
  instructions: string;
  manifest: HceManifest;
  /** True when this call found it in the cache. */
  cached: boolean;
}

function pluginSplitter(c: Competition): Splitter {
  return async (ctx) => {
    const out = await c.split!({
      source: ctx.source,
      outPublic: ctx.outPublic,
      outHidden: ctx.outHidden,
      fractions: ctx.fractions,
      seed: ctx.seed,
    });
    const where = `${c.paths.manifest}: split() of plugin ${c.plugin}`;
    const inside = (root: string, p: string, what: string) => {
      const abs = p.startsWith('/') ? p : join(root, p);
      const rel = relative(root, abs);
      if (rel.startsWith('..') || !existsSync(abs))
        throw new ConfigError(`${where}: ${what} ${p} is not a file inside ${root}`);
      return { abs, rel };
    };
    if (!out.inputs)
      throw new ConfigError(`${where}: returned no inputs (a sample-submission-style file per hidden part)`);
    const omit = (out as { omit?: unknown }).omit;
    return {
      answers: {
        search: inside(ctx.outHidden, out.answers.search, 'answers').abs,
        validation: inside(ctx.outHidden, out.answers.validation, 'answers').abs,
      },
      inputs: { search: [], validation: [] },
      samples: {
        search: inside(ctx.outPublic, out.inputs.search, 'input').rel,
        validation: inside(ctx.outPublic, out.inputs.validation, 'input').rel,
      },
      skip: [
        ...new Set([c.manifest.split.labelled, ...c.manifest.data.labelled].map(publicRel)),
        ...(Array.isArray(omit) ? omit.map(String) : []),
      ],
      hidden: null,
      method: `split() of plugin ${c.plugin}`,
    } satisfies SplitterResult;
  };
}

/** Which splitter a competition uses and an identity for the cache key. */
function chooseSplitter(c: Competition): { splitter: Splitter; id: string; code: string } {
  if (c.manifest.split.method === 'builtin') return { splitter: builtinSplitter, id: 'builtin', code: '' };
  if (c.split) {
    // The plugin's code is part of what the split depends on.
    const code = ['index.ts', 'index.js', 'index.mjs', c.paths.manifest]
      .map((f) => (f.startsWith('/') ? f : join(c.paths.dir, f)))
      .filter((f) => existsSync(f))
      .map((f) => sha256Hex(readFileSync(f)))
      .join(',');
    return { splitter: pluginSplitter(c), id: `plugin:${c.plugin}`, code };
  }
  const recipe = RECIPES.get(c.id);
  if (recipe) return { splitter: recipe.splitter, id: `recipe:${c.id}@${recipe.version}`, code: '' };
  throw new ConfigError(
    `${c.paths.manifest}: HCE cannot split ${c.id} yet: split.method is "custom", HCE has no recipe for ` +
      `${c.id} (its recipes cover the custom splits of MLE-bench-30) and plugin ${c.plugin} exports no ` +
      'split(); run it with --hce off, or add split() to the plugin',
  );
}

/** The files the split reads, by prepared path, for the cache key. */
function keyFiles(c: Competition): string[] {
  const m = c.manifest;
  const prepared = (abs: string) => relative(c.paths.prepared, abs);
  return [
    ...new Set([
      m.split.labelled,
      ...m.data.labelled,
      ...m.data.testInputs,
      prepared(c.paths.sampleSubmission),
      prepared(c.paths.answers),
      'public/description.md',
    ]),
  ].sort();
}

/**
 * The cache key: a hash of everything the split's output depends on (the labelled and test input
 * files' contents, the listing of the public folder, the manifest's split/leaks/data, the seed, the
 * fractions, the splitter and HCE's format), and of nothing else: not paths, not times. Equal
 * inputs give the same key anywhere.
 */
export async function splitKey(
  c: Competition,
  seed: number,
  fractions: Fractions,
  hasher: FileHasher,
): Promise<string> {
  if (!existsSync(c.paths.public))
    throw new ConfigError(
      `${c.id}: no prepared public folder at ${c.paths.public} (is the data prepared? "aira data check ${c.id}" says how to prepare it)`,
    );
  const files: Record<string, string> = {};
  for (const rel of keyFiles(c)) {
    const abs = join(c.paths.prepared, rel);
    files[rel] = existsSync(abs) && statSync(abs).isFile() ? await hasher.sha256(abs) : 'missing';
  }
  const listing = listFiles(c.paths.public).map(
    (rel) => `${rel}\t${statSync(join(c.paths.public, rel)).size}`,
  );
  const { splitter, ...who } = chooseSplitter(c);
  void splitter;
  const m = c.manifest;
  const material = canonicalJson({
    format: HCE_FORMAT,
    id: m.id,
    name: m.name,
    description: m.description ?? null,
    metric: m.metric,
    direction: m.direction,
    data: m.data,
    split: m.split,
    leaks: m.leaks,
    seed,
    fractions,
    splitter: who,
    files,
    listing: sha256Hex(listing.join('\n')),
  });
  return sha256Hex(material).slice(0, 24);
}

function fractionsOf(c: Competition, o: PrepareOptions): Fractions {
  const f = o.fractions ?? c.manifest.split.fractions;
  if (
    Math.abs(f.train + f.search + f.validation - 1) > 1e-9 ||
    [f.train, f.search, f.validation].some((x) => !(x > 0 && x < 1))
  ) {
    throw new ConfigError(
      `hce fractions ${f.train}/${f.search}/${f.validation}: each must be in (0, 1) and they must sum to 1`,
    );
  }
  return f;
}

function describeInput(c: Competition, man: HceManifest): DescribeInput {
  return {
    competition: c,
    fractions: man.fractions,
    train: man.train,
    inputs: man.inputs,
    media: man.media,
    samples: man.samples,
    withheld: man.leaks.filter((l) => l.outcome === 'withheld').map((l) => l.path),
  };
}

function splitOf(c: Competition, dir: string, man: HceManifest, cached: boolean): HceSplit {
  return {
    competition: c,
    key: man.key,
    dir,
    publicDir: join(dir, 'public'),
    hiddenDir: join(dir, 'hidden'),
    answers: {
      search: join(dir, man.answers.search),
      validation: join(dir, man.answers.validation),
      test: join(dir, man.answers.test),
    },
    instructions: hceInstructions(describeInput(c, man)),
    manifest: man,
    cached,
  };
}

/**
 * Moves a finished build folder into place in one rename, so a reader never sees half a split.
 * When another process finished the same split first (its `marker` exists), its folder is
 * identical: keep it and drop this build.
 */
function publish(build: string, dir: string, marker: string, force: boolean | undefined): void {
  try {
    if (force) rmSync(dir, { recursive: true, force: true });
    renameSync(build, dir);
  } catch (err) {
    if (!existsSync(marker)) throw err;
    rmSync(build, { recursive: true, force: true });
  }
}

function sha256Files(root: string, prefix: string, rels: string[]): Record<string, string> {
  return Object.fromEntries(rels.map((r) => [`${prefix}/${r}`, sha256Hex(readFileSync(join(root, r)))]));
}

/**
 * Prepares (or finds in the cache) the HCE split of a competition (docs/paper.md §HCE): the
 * labelled data split once into train / search / validation; a public folder with the train part
 * (labels included), the search and validation inputs without labels, the test inputs, a sample
 * submission for each and description.md; a hidden folder with the search, validation and test
 * answers, which only the coordinator reads. Built in a scratch folder and renamed into place, so
 * concurrent runs never see half a split.
 */
export async function prepareHce(c: Competition, o: PrepareOptions = {}): Promise<HceSplit> {
  const seed = hceSplitSeed(o.splitSeed);
  const fractions = fractionsOf(c, o);
  const cacheDir = hceCacheDir(o.cacheDir);
  const hasher = new FileHasher(memoPath(cacheDir));
  const key = await splitKey(c, seed, fractions, hasher);
  hasher.save();
  const home = join(cacheDir, c.id);
  const dir = join(home, key);
  const marker = join(dir, 'hce.json');
  if (!o.force && existsSync(marker))
    return splitOf(c, dir, JSON.parse(readFileSync(marker, 'utf8')) as HceManifest, true);
  if (!existsSync(c.paths.answers))
    throw new ConfigError(`${c.id}: no test answers at ${c.paths.answers} (is the data prepared?)`);

  mkdirSync(home, { recursive: true, mode: 0o700 });
  const build = join(home, `.build-${key}-${process.pid}-${randomBytes(4).toString('hex')}`);
  const outPublic = join(build, 'public');
  const outHidden = join(build, 'hidden');
  mkdirSync(outPublic, { recursive: true });
  mkdirSync(outHidden, { recursive: true, mode: 0o700 });
  try {
    const { splitter, id } = chooseSplitter(c);
    const result = await splitter({
      competition: c,
      source: c.paths.public,
      outPublic,
      outHidden,
      fractions,
      seed,
    });
    const skip = result.skip.map((s) => s.replace(/\/+$/, ''));
    const written = listFiles(outPublic);
    const assembled = await assemblePublic({
      source: c.paths.public,
      out: outPublic,
      skip: (rel) => rel === 'description.md' || skip.some((s) => rel === s || rel.startsWith(`${s}/`)),
      leaks: c.manifest.leaks,
      scopes: ['hidden', 'test'],
      labels: c.manifest.split.label,
      hidden: result.hidden,
    });
    // The test part: the competition's own inputs and sample, and its answers (hidden).
    let testSample = relative(c.paths.public, c.paths.sampleSubmission);
    if (testSample.startsWith('..')) {
      testSample = basename(c.paths.sampleSubmission);
      if (!existsSync(join(outPublic, testSample)))
        linkOrCopy(c.paths.sampleSubmission, join(outPublic, testSample));
    }
    const testAnswers = `hidden/test${extname(c.paths.answers) || '.csv'}`;
    linkOrCopy(c.paths.answers, join(build, testAnswers));
    const withheld = new Set(assembled.leaks.filter((l) => l.outcome === 'withheld').map((l) => l.path));
    const man: HceManifest = {
      format: HCE_FORMAT,
      competition: c.id,
      key,
      splitSeed: seed,
      fractions,
      splitter: id,
      method: result.method,
      counts: result.counts ?? {},
      train: [...new Set([c.manifest.split.labelled, ...c.manifest.data.labelled].map(publicRel))].filter(
        (p) => existsSync(join(outPublic, p)),
      ),
      inputs: {
        ...result.inputs,
        test: c.manifest.data.testInputs
          .map(publicRel)
          .filter((p) => !withheld.has(p) && existsSync(join(outPublic, p))),
      },
      ...(result.media
        ? {
            media: {
              search: result.media.search.filter((p) => existsSync(join(outPublic, p))),
              validation: result.media.validation.filter((p) => existsSync(join(outPublic, p))),
            },
          }
        : {}),
      samples: { ...result.samples, test: testSample },
      answers: {
        search: relative(build, result.answers.search),
        validation: relative(build, result.answers.validation),
        test: testAnswers,
      },
      leaks: assembled.leaks,
      written: {},
      createdAt: new Date().toISOString(),
    };
    const originalDescription = join(c.paths.public, 'description.md');
    writeFileSync(
      join(outPublic, 'description.md'),
      hceDescriptionFile(
        describeInput(c, man),
        existsSync(originalDescription) ? readFileSync(originalDescription, 'utf8') : null,
      ),
    );
    const hiddenFiles = listFiles(outHidden).filter((f) => `hidden/${f}` !== testAnswers);
    man.written = {
      ...sha256Files(outPublic, 'public', [...written, 'description.md']),
      ...sha256Files(outHidden, 'hidden', hiddenFiles),
    };
    writeFileSync(join(build, 'hce.json'), `${JSON.stringify(man, null, 2)}\n`);
    chmodSync(outHidden, 0o700);
    publish(build, dir, marker, o.force);
    return splitOf(c, dir, JSON.parse(readFileSync(marker, 'utf8')) as HceManifest, false);
  } catch (err) {
    rmSync(build, { recursive: true, force: true });
    throw err;
  }
}

/** The folder for `--hce off`: all labelled data, with only test-scope leaks applied. */
export interface OpenFolder {
  competition: Competition;
  dir: string;
  publicDir: string;
  instructions: string;
  leaks: LeakOutcome[];
  cached: boolean;
}

/**
 * Prepares the no-HCE data folder (the paper's "No HCE" row, docs/paper.md §HCE): the
 * competition's public folder as is (hard links), except files a leak entry marks as leaking the
 * test answers, plus description.md saying what to print and write.
 */
export async function prepareOpen(
  c: Competition,
  o: Pick<PrepareOptions, 'cacheDir' | 'force'> = {},
): Promise<OpenFolder> {
  const cacheDir = hceCacheDir(o.cacheDir);
  if (!existsSync(c.paths.public))
    throw new ConfigError(
      `${c.id}: no prepared public folder at ${c.paths.public} (is the data prepared? "aira data check ${c.id}" says how to prepare it)`,
    );
  const hasher = new FileHasher(memoPath(cacheDir));
  const original = join(c.paths.public, 'description.md');
  const material = canonicalJson({
    format: HCE_FORMAT,
    open: true,
    id: c.id,
    data: c.manifest.data,
    leaks: c.manifest.leaks,
    metric: c.manifest.metric,
    direction: c.manifest.direction,
    description: existsSync(original) ? await hasher.sha256(original) : null,
    listing: sha256Hex(
      listFiles(c.paths.public)
        .map((rel) => `${rel}\t${statSync(join(c.paths.public, rel)).size}`)
        .join('\n'),
    ),
  });
  hasher.save();
  const key = sha256Hex(material).slice(0, 24);
  const home = join(cacheDir, c.id);
  const dir = join(home, `open-${key}`);
  const marker = join(dir, 'open.json');
  const sample = relative(c.paths.public, c.paths.sampleSubmission);
  const finish = (leaks: LeakOutcome[], cached: boolean): OpenFolder => ({
    competition: c,
    dir,
    publicDir: join(dir, 'public'),
    instructions: openInstructions(
      c,
      sample.startsWith('..') ? basename(sample) : sample,
      leaks.filter((l) => l.outcome === 'withheld').map((l) => l.path),
    ),
    leaks,
    cached,
  });
  if (!o.force && existsSync(marker))
    return finish((JSON.parse(readFileSync(marker, 'utf8')) as { leaks: LeakOutcome[] }).leaks, true);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const build = join(home, `.build-open-${key}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const outPublic = join(build, 'public');
    mkdirSync(outPublic, { recursive: true });
    const assembled = await assemblePublic({
      source: c.paths.public,
      out: outPublic,
      skip: (rel) => rel === 'description.md',
      leaks: c.manifest.leaks,
      scopes: ['test'],
      labels: c.manifest.split.label,
      hidden: 'none',
    });
    if (sample.startsWith('..') && !existsSync(join(outPublic, basename(sample))))
      linkOrCopy(c.paths.sampleSubmission, join(outPublic, basename(sample)));
    const folder = finish(assembled.leaks, false);
    const head = existsSync(original)
      ? readFileSync(original, 'utf8').trim()
      : `# ${c.manifest.name}\n\n${c.manifest.description ?? ''}`.trimEnd();
    writeFileSync(join(outPublic, 'description.md'), `${head}\n\n---\n\n${folder.instructions}\n`);
    writeFileSync(
      join(build, 'open.json'),
      `${JSON.stringify({ format: HCE_FORMAT, competition: c.id, key, leaks: assembled.leaks, createdAt: new Date().toISOString() }, null, 2)}\n`,
    );
    publish(build, dir, marker, o.force);
    return folder;
  } catch (err) {
    rmSync(build, { recursive: true, force: true });
    throw err;
  }
}
