import { isAbsolute } from 'node:path';
import { z } from 'zod';

/**
 * The competition manifest: everything about a competition a file can say. What it cannot say
 * (a grader written in TypeScript, a custom splitter, a data-preparation step) lives in the
 * plugin's code module (see plugin-api.ts). Every object is strict, so a misspelt field is an
 * error naming that field rather than a silently ignored one.
 */

const inside = (p: string) => !isAbsolute(p) && !p.split(/[\\/]/).includes('..');

/** A path relative to `<data>/<id>/prepared/`, always starting with `public/` or `private/`. */
const PreparedPath = z
  .string()
  .min(1)
  .refine(inside, 'must be a relative path without ".."')
  .refine(
    (p) => /^(public|private)\//.test(p),
    'must start with "public/" or "private/" (paths are relative to <data>/<id>/prepared/)',
  );

const sidePath = (side: 'public' | 'private') =>
  z
    .string()
    .min(1)
    .refine(inside, 'must be a relative path without ".."')
    .refine(
      (p) => p.startsWith(`${side}/`),
      `must start with "${side}/" (paths are relative to <data>/<id>/prepared/)`,
    );

/** Same, but only the public side (what an agent may see). */
const PublicPath = sidePath('public');

/** A glob over prepared paths: `*` matches within one folder level, `**` across levels. */
const PreparedGlob = PreparedPath;

/** A path relative to the folder holding the manifest. */
const PluginPath = z
  .string()
  .min(1)
  .refine(inside, 'must be a relative path inside the plugin folder, without ".."');

const Column = z.string().min(1);

export const Modality = z.enum([
  'tabular',
  'text',
  'image',
  'audio',
  'video',
  'time-series',
  'molecular',
  'geospatial',
  'volume',
]);

export const TaskType = z.enum([
  'binary-classification',
  'multiclass-classification',
  'multilabel-classification',
  'regression',
  'probability-distribution',
  'segmentation',
  'object-detection',
  'sequence-generation',
  'span-extraction',
  'question-answering',
  'retrieval',
  'recommendation',
  'ranking',
]);

export const MediaKind = z.enum([
  'image',
  'audio',
  'video',
  'volume',
  'signal',
  'text',
  'array',
  'archive',
  'table',
  'other',
]);

export const DataLayout = z.strictObject({
  modality: z.array(Modality).min(1).describe('what the inputs are; several for multi-modal data'),
  task: TaskType,
  labelled: z.array(PublicPath).min(1).describe('public files that hold the labelled rows'),
  ids: z
    .strictObject({ file: PreparedPath, columns: z.array(Column).min(1) })
    .describe('where the row ids live'),
  labels: z
    .strictObject({ file: PreparedPath, columns: z.array(Column).min(1) })
    .describe('where the labels live'),
  media: z
    .array(z.strictObject({ path: PublicPath, kind: MediaKind, note: z.string().optional() }))
    .default([])
    .describe('files and folders of media or side data referenced by the rows'),
  testInputs: z.array(PublicPath).default([]).describe('public files listing the unlabelled rows to predict'),
  sampleSubmission: PreparedPath,
  answers: sidePath('private'),
  goldSubmission: PreparedPath.optional(),
  /** Where `prepared/` lives when not at `<data>/<id>/prepared` (relative to the manifest folder). */
  root: PluginPath.optional(),
});

/** The unit that moves as a whole into one split part. */
export const SplitUnit = z.discriminatedUnion('by', [
  z.strictObject({ by: z.literal('row') }),
  z.strictObject({ by: z.literal('column'), column: Column }),
  z.strictObject({
    by: z.literal('time'),
    column: Column,
    window: z.string().regex(/^\d+d$/, 'a number of days, e.g. "7d"'),
  }),
  z.strictObject({
    by: z.literal('custom'),
    note: z.string().min(1).describe('what the unit is when no single column holds it'),
  }),
]);

export const Fractions = z
  .strictObject({
    train: z.number().gt(0).lt(1),
    search: z.number().gt(0).lt(1),
    validation: z.number().gt(0).lt(1),
  })
  .refine(
    (f) => Math.abs(f.train + f.search + f.validation - 1) < 1e-9,
    'train + search + validation must be 1',
  );

/**
 * The HCE split spec (docs/paper.md §HCE: one fixed 80/10/10 split of the labelled data into
 * train / search / validation). `unit` mirrors the unit MLE-bench used for its own test split
 * (docs/mlebench-layouts.md §HCE), so that search and validation
 * scores behave like the test score; `strictUnit` records the leak-free alternative where one exists.
 */
export const SplitSpec = z.strictObject({
  method: z
    .enum(['builtin', 'custom'])
    .describe('builtin: a CSV row/group split HCE does itself; custom: the plugin code provides split()'),
  labelled: PublicPath,
  id: z.array(Column).min(1),
  label: z.array(Column).min(1),
  unit: SplitUnit,
  strictUnit: SplitUnit.optional(),
  stratify: Column.nullable().default(null),
  fractions: Fractions.default({ train: 0.8, search: 0.1, validation: 0.1 }),
  maxRowsPerPart: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('cap on each hidden part, for very large labelled sets'),
  answers: z
    .enum(['rows', 'one-hot', 'melt', 'custom'])
    .default('rows')
    .describe('how answer files are built from labelled rows'),
  mlebench: z.string().optional().describe('how MLE-bench made its own test split, for the record'),
  notes: z.string().optional(),
});

/**
 * A public file that leaks answers. `scope` says whose answers: `test` = MLE-bench's own test
 * inputs (it would inflate reported test scores), `hidden` = the copies HCE's hidden parts are
 * carved from, `both`. HCE must apply `action` before an agent sees the data.
 */
export const Leak = z.strictObject({
  files: z.array(PreparedGlob).min(1),
  except: z.array(PreparedGlob).default([]),
  columns: z.array(Column).optional(),
  scope: z.enum(['test', 'hidden', 'both']),
  action: z.enum(['withhold', 'strip-hidden-rows', 'strip-labels', 'drop-columns']),
  reason: z.string().min(1),
  source: z.enum(['mlebench-known-issue', 'layout-analysis', 'plugin-author']),
  ref: z.string().optional(),
});

export const KnownIssue = z.strictObject({ summary: z.string().min(1), ref: z.string().min(1) });

export const LeaderboardSource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mlebench') }),
  z.strictObject({
    kind: z.literal('file'),
    path: PluginPath.describe("a CSV in MLE-bench's leaderboard format: a score column, best row first"),
  }),
  z.strictObject({ kind: z.literal('none') }),
]);

export const ChecksumSource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mlebench') }),
  z.strictObject({ kind: z.literal('file'), path: PluginPath }),
  z.strictObject({ kind: z.literal('none') }),
]);

export const GraderBinding = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('builtin'),
    competition: z.string().min(1).optional().describe('grading id; defaults to the manifest id'),
  }),
  z.strictObject({ kind: z.literal('python'), script: PluginPath, timeout: z.string().default('10m') }),
  z.strictObject({ kind: z.literal('code'), export: z.string().min(1).default('grade') }),
]);

export const Prepare = z.strictObject({
  command: z
    .string()
    .min(1)
    .describe('shell command that prepares missing data; {id}, {data}, {dir} are substituted'),
  dataFlag: z.string().optional().describe('flag appended with the data folder when it is not the default'),
});

export const Source = z.strictObject({
  benchmark: z.string().min(1),
  complexity: z.enum(['low', 'medium', 'high', 'dev']).optional(),
  url: z.url().optional(),
});

export const ManifestSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
      'letters, digits, ".", "_" and "-" only, starting with a letter or digit',
    ),
  name: z.string().min(1),
  description: z.string().optional(),
  metric: z.string().min(1).describe('what the grader computes, in words'),
  direction: z.enum(['higher-is-better', 'lower-is-better']),
  source: Source.optional(),
  data: DataLayout,
  split: SplitSpec,
  leaks: z.array(Leak).default([]),
  knownIssues: z.array(KnownIssue).default([]),
  leaderboard: LeaderboardSource.default({ kind: 'none' }),
  checksums: ChecksumSource.default({ kind: 'none' }),
  grader: GraderBinding,
  prepare: Prepare.optional(),
  budget: z
    .strictObject({
      wallClock: z
        .string()
        .regex(/^(\d+(\.\d+)?(ms|s|m|h|d))+$/, 'a duration with its unit, e.g. 80s or 24h'),
      perExec: z
        .string()
        .regex(/^(\d+(\.\d+)?(ms|s|m|h|d))+$/, 'a duration with its unit, e.g. 60s or 9h')
        .optional(),
    })
    .optional()
    .describe(
      "the budget that suits this competition when a run sets none (small data: minutes, not the paper's 72 h)",
    ),
});

export type Manifest = z.output<typeof ManifestSchema>;
export type ManifestInput = z.input<typeof ManifestSchema>;
export type Leak = z.output<typeof Leak>;
export type SplitSpec = z.output<typeof SplitSpec>;
export type SplitUnit = z.output<typeof SplitUnit>;
export type GraderBinding = z.output<typeof GraderBinding>;
export type DataLayout = z.output<typeof DataLayout>;

/** Identity helper so a `manifest.ts` gets type checking and completion. */
export function defineManifest(manifest: ManifestInput): ManifestInput {
  return manifest;
}
