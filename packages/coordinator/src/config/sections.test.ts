import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '@aira/core';
import { tempDir } from '@aira/testing';
import { scriptAgent } from '../agent/script-agent.js';
import { defaultRegistry, registerAgent, type Registry } from '../run/registry.js';
import { resolveRunConfig } from './resolve.js';
import { parseRunConfig } from './sections.js';

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());
function file(text: string): string {
  const t = tempDir();
  cleanup = t.cleanup;
  const f = join(t.dir, 'run.yaml');
  writeFileSync(f, text);
  return f;
}

/** An agent the coordinator has never heard of, owning its `agent` settings and a section of its own. */
function toyRegistry(): Registry {
  return registerAgent(defaultRegistry(), {
    id: 'toy',
    description: 'a test agent with settings of its own',
    configSchema: z.object({
      agent: z.strictObject({ name: z.string(), depth: z.number().int().positive().default(2) }),
      toy: z.strictObject({ colour: z.enum(['red', 'blue']).default('red') }).default({ colour: 'red' }),
    }),
    fields: [
      { path: 'agent.depth', type: 'number', flag: '--depth <n>', env: 'AIRA_TOY_DEPTH', help: 'toy: depth' },
    ],
    create: scriptAgent,
  });
}

describe("a registry entry's own config schema", () => {
  it('validates the sections it owns, naming file:line and the zod path of each bad value', () => {
    const f = file(['agent:', '  name: toy', '  depth: -1', 'toy:', '  colour: green', ''].join('\n'));
    const resolve = () => resolveRunConfig({ file: f, registry: toyRegistry() });
    expect(resolve).toThrow(ConfigError);
    expect(resolve).toThrow(
      new RegExp(
        `^invalid run config: file ${f}:3: agent\\.depth: .*>0.*; file ${f}:5: toy\\.colour: .*"red"\\|"blue"`,
      ),
    );
  });

  it('names an unknown key of its section at its own line', () => {
    const f = file(['agent:', '  name: toy', 'toy:', '  colur: red', ''].join('\n'));
    expect(() => resolveRunConfig({ file: f, registry: toyRegistry() })).toThrow(
      `invalid run config: file ${f}:4: toy.colur: unknown setting`,
    );
  });

  it("fills the section's defaults, takes its fields from env and flags, and gives each a provenance", () => {
    const f = file('agent:\n  name: toy\n');
    const r = resolveRunConfig({ file: f, env: { AIRA_TOY_DEPTH: '4' }, registry: toyRegistry() });
    expect(r.config.agent).toEqual({ name: 'toy', depth: 4 });
    expect((r.config as unknown as { toy: unknown }).toy).toEqual({ colour: 'red' });
    expect(r.provenance.get('agent.depth')).toBe('env AIRA_TOY_DEPTH');
    expect(r.provenance.get('toy.colour')).toBe('default');
    const flagged = resolveRunConfig({ flags: { agent: 'toy', depth: '7' }, registry: toyRegistry() });
    expect(flagged.provenance.get('agent.depth')).toBe('flag --depth');
  });

  it('is unknown to a coordinator without the entry, and checked again when a study is given values', () => {
    const f = file('agent:\n  name: toy\ntoy:\n  colour: red\n');
    expect(() => resolveRunConfig({ file: f })).toThrow(
      `invalid run config: file ${f}:3: toy: unknown setting`,
    );
    expect(() => parseRunConfig({ agent: { name: 'toy', depth: 0 } }, toyRegistry())).toThrow(
      /^invalid run config: agent\.depth: /,
    );
  });
});
