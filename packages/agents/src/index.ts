// @aira/agents: what drives a job. One re-export block per agent; the CLI registers them by name
// into the coordinator's registry.

// template: LLM-free scikit-learn solution templates (issue 8).
export { templateAgent, registerTemplateAgent, TEMPLATE_AGENT, TEMPLATE_AGENT_DESCRIPTION, failureText } from './template/index.js';
export {
  planLayout,
  outputsFromDescription,
  metricFromText,
  LayoutError,
  spaceFor,
  sampleChoices,
  mutateChoices,
  crossoverChoices,
  debugChoices,
  complete,
  diffChoices,
  planJob,
  renderScript,
  parseHeader,
  seededRng,
  type DataLayout,
  type CompetitionFacts,
  type Choices,
  type Space,
  type TemplateName,
  type TemplateHeader,
  type JobPlan,
  type Change,
} from './template/index.js';
