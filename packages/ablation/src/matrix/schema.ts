import { z } from 'zod';
import { zDuration } from '@aira/core';
import { SlurmConfig } from '@aira/coordinator';

/** Rows of the paper's Table 1 a variant can stand beside (docs/paper.md §Table 1). */
export const PAPER_ROWS = ['full', '1-gpu', 'no-subagents', 'no-hce', 'no-evo'] as const;
export type PaperRow = (typeof PAPER_ROWS)[number];

/** A name used in folder names: letters, digits, `.`, `_` and single `-` (cell ids join parts with `--`). */
const name = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'letters, digits, ".", "_" and "-" only, starting with a letter or digit',
  )
  .refine((s) => !s.includes('--'), 'no "--" (cell ids join variant, competition and seed with it)');

/** A checkpoint: a duration with a unit ("3h", "90s"), or a fraction of the budget ("25%", 0.25). */
export const CheckpointSpec = z.union([z.string().min(1), z.number()]);

/** Keys of a variant that describe it rather than override the run config. */
export const VARIANT_META = ['description', 'paper'] as const;

export const LauncherSpec = z.strictObject({
  /** `local`: a pool of worker daemons on this machine; `slurm`: one Slurm array task per cell (`aira ablate --launcher slurm`). */
  kind: z.enum(['local', 'slurm']).default('local'),
  /** slurm: array tasks running at once (the array's `%N` throttle); `--max-parallel` overrides it. */
  maxParallel: z.number().int().positive().optional(),
  /**
   * slurm: each cell's allocation: partition, account, QoS, time limit, container, extra #SBATCH
   * lines; `gpusPerNode` > 0 (or a `gres`) gives each of the cell's workers one GPU, and
   * `cpusPerGpu` / `memPerGpu` are per worker.
   */
  slurm: SlurmConfig.optional(),
  /**
   * Local worker daemons shared among cells (each cell borrows as many as its variant's
   * `workers.spec: [local:N]` asks for); default: the most any cell asks for.
   */
  slots: z.number().int().positive().optional(),
});

/** The matrix file before its run configs are checked (those are RunConfig's, checked per variant). */
export const MatrixFile = z
  .strictObject({
    /** The study id (`runs/<name>/`); default: the file's name without extension. */
    name: name.optional(),
    description: z.string().optional(),
    /** `table1`: the matrix is the paper's Table 1 (docs/paper.md §Table 1); its numbers stand beside ours. */
    paper: z.enum(['table1']).optional(),
    suite: z.string().min(1).optional(),
    competitions: z.array(z.string().min(1)).min(1).optional(),
    seeds: z.array(z.number().int().nonnegative()).min(1),
    /** Active-time budget of every cell (RunConfig budget.wallClock); a variant may override it. */
    budget: zDuration.refine((ms) => ms > 0, 'a budget must be more than 0'),
    checkpoints: z.array(CheckpointSpec).min(1),
    /** RunConfig settings every variant starts from. */
    base: z.record(z.string(), z.unknown()).default({}),
    /** Named variants: RunConfig overrides of the base, plus `description` and `paper` (its Table 1 row). */
    variants: z
      .record(name, z.record(z.string(), z.unknown()).nullable())
      .refine((v) => Object.keys(v).length > 0, 'at least one variant'),
    launcher: LauncherSpec.default({ kind: 'local' }),
    /**
     * Launch order. `interleaved` (seed, then competition, then variant) spreads a shared machine's
     * changing load over the variants; `variant-major` runs one variant's cells after another's.
     */
    order: z.enum(['interleaved', 'variant-major']).default('interleaved'),
  })
  .superRefine((m, ctx) => {
    if (m.suite && m.competitions)
      ctx.addIssue({
        code: 'custom',
        path: ['competitions'],
        message: 'give either a suite or competitions, not both',
      });
    if (!m.suite && !m.competitions)
      ctx.addIssue({ code: 'custom', path: ['suite'], message: 'give a suite or a list of competitions' });
    if (new Set(m.seeds).size !== m.seeds.length)
      ctx.addIssue({ code: 'custom', path: ['seeds'], message: 'seeds repeat' });
  });

export type MatrixFile = z.output<typeof MatrixFile>;
