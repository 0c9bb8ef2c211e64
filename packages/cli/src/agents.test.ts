import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultRegistry } from '@aira/coordinator';
import { describeAgent, resolveWithDefaultAgent, withAgents } from './agents.js';

const dir = mkdtempSync(join(tmpdir(), 'aira-cli-agents-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the default agent of aira run', () => {
  it('is the LLM-free template agent when none is asked for, and the provenance says so', () => {
    const r = resolveWithDefaultAgent({ flags: { competition: ['mini-diabetes'] }, env: {} });
    expect(r.config.agent.name).toBe('template');
    expect(r.provenance.get('agent.name')).toMatch(
      /^default \(no agent asked for: template \(LLM-free.*no language model/,
    );
    expect(describeAgent('template')).toMatch(/LLM-free/);
    expect(withAgents(defaultRegistry()).agents.has('template')).toBe(true);
  });

  it('is whatever a flag, the environment, a config file or --set names', () => {
    expect(resolveWithDefaultAgent({ flags: { agent: 'react' }, env: {} }).config.agent.name).toBe('react');
    expect(resolveWithDefaultAgent({ flags: {}, env: { AIRA_AGENT: 'operators' } }).config.agent.name).toBe(
      'operators',
    );
    expect(
      resolveWithDefaultAgent({ flags: {}, env: {}, sets: ['agent.name=react'] }).provenance.get(
        'agent.name',
      ),
    ).toBe('flag --set agent.name');
    const file = join(dir, 'run.yaml');
    writeFileSync(file, 'agent:\n  name: operators\n');
    const r = resolveWithDefaultAgent({ flags: {}, env: {}, file });
    expect(r.config.agent.name).toBe('operators');
    expect(r.provenance.get('agent.name')).toMatch(/^file /);
  });

  it('is the script agent when a script is given, and errors keep naming the bad setting', () => {
    const r = resolveWithDefaultAgent({ flags: { script: 'solve.py' }, env: {} });
    expect(r.config.agent).toMatchObject({ name: 'script', script: 'solve.py' });
    expect(() => resolveWithDefaultAgent({ flags: { agent: 'script' }, env: {} })).toThrow(
      /agent\.script: the script agent needs a script/,
    );
    expect(() => resolveWithDefaultAgent({ flags: { budget: 'soon' }, env: {} })).toThrow(/budget/);
  });

  it('refuses the template agent without a competition: it has no data to write a solution for', () => {
    expect(() => resolveWithDefaultAgent({ flags: {}, env: {} })).toThrow(
      /^agent\.name: the LLM-free template agent \(the default when no agent is asked for\) needs a competition's data: give --competition ID or --suite NAME/,
    );
    expect(() => resolveWithDefaultAgent({ flags: { agent: 'template' }, env: {} })).toThrow(
      /\(from flag --agent\) needs a competition's data/,
    );
    expect(resolveWithDefaultAgent({ flags: { suite: 'mini' }, env: {} }).config.agent.name).toBe('template');
  });
});
