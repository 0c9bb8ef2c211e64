import { z } from 'zod';
import { registerAgent, type Registry } from '@aira/coordinator';
import { templateAgent, TEMPLATE_AGENT, TEMPLATE_AGENT_DESCRIPTION } from './agent.js';

export { templateAgent, TEMPLATE_AGENT, TEMPLATE_AGENT_DESCRIPTION, failureText } from './agent.js';
export {
  planLayout,
  outputsFromDescription,
  metricFromText,
  LayoutError,
  type DataLayout,
  type CompetitionFacts,
} from './layout.js';
export { spaceFor, type Choices, type Space, type TemplateName } from './space.js';
export { templateUnsupported, TEMPLATE_ALTERNATIVES } from './support.js';
export {
  sampleChoices,
  mutateChoices,
  crossoverChoices,
  debugChoices,
  complete,
  diffChoices,
  type Change,
} from './choices.js';
export { planJob, type JobPlan } from './plan.js';
export { renderScript, parseHeader, type TemplateHeader } from './render.js';
// The coordinator's seeded generator, kept under the name this package has always exported.
export { rngFor as seededRng } from '@aira/coordinator';

/** Adds the `template` agent to a registry (the CLI calls this for `aira run`). */
export function registerTemplateAgent(registry: Registry): Registry {
  return registerAgent(registry, {
    id: TEMPLATE_AGENT,
    description: TEMPLATE_AGENT_DESCRIPTION,
    // It takes no settings of its own; what other agents' flags set in its section is left unused.
    configSchema: z.object({ agent: z.object({ name: z.string() }) }),
    create: templateAgent,
  });
}
