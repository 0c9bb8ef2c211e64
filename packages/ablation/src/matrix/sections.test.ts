import { describe, expect, it } from 'vitest';
import { registerLlmAgents, registerTemplateAgent } from '@aira/agents';
import { defaultRegistry } from '@aira/coordinator';
import { parseMatrix } from './load.js';

const MATRIX = `name: t
competitions: [mini-diabetes]
seeds: [0]
budget: 2m
checkpoints: [1m]
base:
  agent: { name: react }
  llm: { model: m }
variants:
  short:
    agent: { maxSteps: 0 }
  fast:
    llm: { temprature: 0.1 }
`;

const registry = () => registerLlmAgents(registerTemplateAgent(defaultRegistry()));

describe("a matrix's agent settings, checked with the agent's registered schema", () => {
  it('names the file, line and field of a bad or unknown setting the agent owns', () => {
    const error = (text: string) => {
      try {
        parseMatrix(text, 'm.yaml', { registry: registry() });
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('the matrix was accepted');
    };
    expect(error(MATRIX)).toMatch(/^invalid matrix: m\.yaml:11: variants\.short\.agent\.maxSteps: .*>0/);
    expect(error(MATRIX.replace('maxSteps: 0', 'maxSteps: 5'))).toBe(
      'invalid matrix: m.yaml:13: variants.fast.llm.temprature: unknown setting',
    );
  });

  it("fills the agent's defaults into each variant's config", () => {
    const m = parseMatrix(
      MATRIX.replace('maxSteps: 0', 'maxSteps: 5').replace('temprature', 'temperature'),
      'm.yaml',
      {
        registry: registry(),
      },
    );
    const short = m.variants.find((v) => v.name === 'short')!.config;
    expect(short.agent).toMatchObject({ name: 'react', maxSteps: 5, prompts: 'v1' });
    expect(short.llm).toMatchObject({ model: 'm', apiKeyEnv: 'OPENAI_API_KEY' });
  });
});
