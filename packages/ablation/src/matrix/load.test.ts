import { describe, expect, it } from 'vitest';
import { loadRegistry } from '@aira/competitions';
import { repoRoot, repoPlugins } from '@aira/testing';
import { parseMatrix, loadMatrix } from './load.js';
import { expandMatrix } from './expand.js';
import { parseCheckpoint } from './checkpoints.js';

const BENCH = `${repoRoot()}benchmarks/ablations/`;

const GOOD = `name: t
competitions: [mini-diabetes]
seeds: [0, 1]
budget: 2m
checkpoints: ["25%", 1m, 1.0]
base:
  agent: { name: template }
  workers: { spec: [local:2] }
variants:
  full: {}
  no-hce:
    hce: "off"
  one:
    workers:
      spec: [local:1]
`;

/** The message parseMatrix throws for `text` (one line, as the cli prints it). */
function errorOf(text: string): string {
  try {
    parseMatrix(text, 'm.yaml');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the matrix was accepted');
}

describe('matrix validation names the file, the line and the field', () => {
  it('an unknown RunConfig setting in a variant', () => {
    const msg = errorOf(GOOD.replace('    hce: "off"', '    hce: "off"\n    hcee: "on"'));
    expect(msg).toContain('m.yaml:13: variants.no-hce.hcee: unknown setting');
    expect(msg.split('\n')).toHaveLength(1);
  });
  it('a bad value in a variant (zod names the field, the file the line)', () => {
    expect(errorOf(GOOD.replace('hce: "off"', 'hce: maybe'))).toMatch(
      /^invalid matrix: m\.yaml:12: variants\.no-hce\.hce: .*"auto"/,
    );
  });
  it('a bad value in base, said for the variant that inherits it', () => {
    const msg = errorOf(
      GOOD.replace(
        '  agent: { name: template }',
        '  agent: { name: template }\n  search: { policy: annealing }',
      ),
    );
    expect(msg).toContain('m.yaml:8: base.search.policy (in variant full)');
  });
  it('a bad nested value deep in a variant', () => {
    expect(
      errorOf(GOOD.replace('      spec: [local:1]', '      spec: [local:1]\n      lease: soon')),
    ).toContain('m.yaml:16: variants.one.workers.lease: not a duration');
  });
  it('top-level fields: unknown keys, bad seeds, a missing budget', () => {
    expect(errorOf(`${GOOD}sedes: [1]\n`)).toContain('m.yaml:16: sedes: unknown setting');
    expect(errorOf(GOOD.replace('seeds: [0, 1]', 'seeds: [0, -1]'))).toContain('m.yaml:3: seeds.1:');
    expect(errorOf(GOOD.replace('budget: 2m\n', ''))).toMatch(/m\.yaml:1: budget: /);
    expect(errorOf(GOOD.replace('competitions: [mini-diabetes]\n', ''))).toContain(
      'suite: give a suite or a list of competitions',
    );
  });
  it('checkpoints: bad units, beyond the budget, repeats', () => {
    expect(errorOf(GOOD.replace('["25%", 1m, 1.0]', '["25%", 3x]'))).toContain(
      'm.yaml:5: checkpoints.1: not a duration: "3x"',
    );
    expect(errorOf(GOOD.replace('["25%", 1m, 1.0]', '[3m]'))).toContain(
      'm.yaml:5: checkpoints.0: 3m: after the end of the budget',
    );
    expect(errorOf(GOOD.replace('["25%", 1m, 1.0]', '[30s, "25%"]'))).toContain(
      'checkpoints.1: 25% repeats an earlier checkpoint',
    );
    expect(errorOf(GOOD.replace('["25%", 1m, 1.0]', '[90]'))).toContain(
      'checkpoints.0: 90: a number is a fraction of the budget',
    );
  });
  it('settings that belong to the matrix, not to a variant', () => {
    expect(errorOf(GOOD.replace('  full: {}', '  full:\n    seeds: [3]'))).toContain(
      'm.yaml:11: variants.full.seeds: set seeds at the matrix',
    );
    expect(errorOf(GOOD.replace('base:\n', 'base:\n  budget: { wallClock: 1h }\n'))).toContain(
      'm.yaml:7: base.budget.wallClock',
    );
  });
  it('variant names that cannot make cell folders, and YAML syntax', () => {
    expect(errorOf(GOOD.replace('  full: {}', '  a--b: {}'))).toContain('variants');
    expect(errorOf(GOOD.replace('variants:', 'variants: [\n'))).toMatch(/^m\.yaml:\d+: /);
    expect(errorOf(GOOD.replace('  one:\n', '  full:\n'))).toBe('m.yaml:13: Map keys must be unique');
  });
  it('a paper row without the paper matrix', () => {
    expect(errorOf(GOOD.replace('  full: {}', '  full:\n    paper: full'))).toContain(
      'variants.full.paper: set "paper: table1" at the top level first',
    );
  });
});

describe('a valid matrix', () => {
  it('resolves checkpoints (fractions and durations), variants and cells', () => {
    const m = parseMatrix(GOOD, 'm.yaml');
    expect(m.checkpoints).toEqual([
      { label: '25%', ms: 30_000 },
      { label: '1m', ms: 60_000 },
      { label: '100%', ms: 120_000 },
    ]);
    expect(m.variants.map((v) => [v.name, v.config.hce, v.config.budget.wallClock])).toEqual([
      ['full', 'auto', 120_000],
      ['no-hce', 'off', 120_000],
      ['one', 'auto', 120_000],
    ]);
    const cells = expandMatrix(m);
    // Interleaved by default: seed, then competition, then variant.
    expect(cells.map((c) => c.cellId)).toEqual([
      'full--mini-diabetes--s0',
      'no-hce--mini-diabetes--s0',
      'one--mini-diabetes--s0',
      'full--mini-diabetes--s1',
      'no-hce--mini-diabetes--s1',
      'one--mini-diabetes--s1',
    ]);
    expect(cells.map((c) => c.localWorkers)).toEqual([2, 2, 1, 2, 2, 1]);
    expect(expandMatrix(parseMatrix(`${GOOD}order: variant-major\n`, 'm.yaml')).map((c) => c.cellId)).toEqual(
      [
        'full--mini-diabetes--s0',
        'full--mini-diabetes--s1',
        'no-hce--mini-diabetes--s0',
        'no-hce--mini-diabetes--s1',
        'one--mini-diabetes--s0',
        'one--mini-diabetes--s1',
      ],
    );
    expect(cells[0]!.config.labels).toMatchObject({
      ablation: 't',
      variant: 'full',
      cell: 'full--mini-diabetes--s0',
    });
    expect(new Set(cells.map((c) => c.fingerprint)).size).toBe(6);
    expect(parseMatrix(GOOD, 'm.yaml').hash).toBe(m.hash);
    expect(parseMatrix(GOOD.replace('budget: 2m', 'budget: 3m'), 'm.yaml').hash).not.toBe(m.hash);
  });
  it('parses checkpoint specs', () => {
    expect(parseCheckpoint('3h', 72 * 3_600_000)).toEqual({ label: '3h', ms: 3 * 3_600_000 });
    expect(parseCheckpoint(0.5, 1000)).toEqual({ label: '50%', ms: 500 });
    expect(parseCheckpoint('12.5%', 8000)).toEqual({ label: '12.5%', ms: 1000 });
    expect(parseCheckpoint('0%', 8000)).toMatch(/in \(0%, 100%\]/);
    expect(parseCheckpoint('90', 8000)).toMatch(/give a unit/);
  });
});

describe('benchmarks/ablations', () => {
  it("paper-table1.yaml is the paper's matrix: 5 variants × MLE-bench-30 × 3 seeds, 72 h, 8 workers", async () => {
    const registry = await loadRegistry(repoPlugins());
    const resolveSuite = (name: string) => registry.resolveSuite(name).ids;
    const m = loadMatrix(`${BENCH}paper-table1.yaml`, { resolveSuite });
    expect(m.paper).toBe('table1');
    expect(m.competitions).toHaveLength(30);
    expect(m.seeds).toEqual([0, 1, 2]);
    expect(m.budgetMs).toBe(72 * 3_600_000);
    expect(m.checkpoints.map((c) => c.label)).toEqual(['3h', '12h', '24h', '72h']);
    expect(m.variants.map((v) => [v.name, v.paper])).toEqual([
      ['full', 'full'],
      ['1-gpu', '1-gpu'],
      ['no-subagents', 'no-subagents'],
      ['no-hce', 'no-hce'],
      ['no-evolution', 'no-evo'],
    ]);
    const cells = expandMatrix(m);
    expect(cells).toHaveLength(450);
    const byVariant = (v: string) => cells.find((c) => c.variant === v)!;
    expect(byVariant('full').localWorkers).toBe(8);
    expect(byVariant('1-gpu').localWorkers).toBe(1);
    expect(byVariant('full').config).toMatchObject({
      hce: 'on',
      agent: { name: 'react' },
      search: { policy: 'evolution', temperature: 0.2, crossoverProbability: 0.15 },
      budget: { perExec: 9 * 3_600_000 },
    });
    expect(byVariant('no-subagents').config.agent.name).toBe('operators');
    expect(byVariant('no-hce').config.hce).toBe('off');
    expect(byVariant('no-evolution').config.search.policy).toBe('best-of-k');
  });
  it('mini-table1.yaml: four LLM-free variants on the mini suite', async () => {
    const registry = await loadRegistry(repoPlugins());
    const m = loadMatrix(`${BENCH}mini-table1.yaml`, {
      resolveSuite: (name) => registry.resolveSuite(name).ids,
    });
    expect(m.competitions).toEqual(['mini-letter', 'mini-satellite', 'mini-fashion-mnist', 'mini-fortunes']);
    expect(
      m.variants.map((v) => [
        v.name,
        v.config.agent.name,
        v.config.hce,
        v.config.search.policy,
        v.config.workers.spec,
      ]),
    ).toEqual([
      ['full', 'template', 'on', 'evolution', ['local:2']],
      ['1-worker', 'template', 'on', 'evolution', ['local:1']],
      ['no-hce', 'template', 'off', 'evolution', ['local:2']],
      ['no-evolution', 'template', 'on', 'best-of-k', ['local:2']],
    ]);
    expect(expandMatrix(m)).toHaveLength(48);
  });
});
