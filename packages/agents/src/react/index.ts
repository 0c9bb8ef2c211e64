export { reactAgent, REACT_AGENT, type LlmAgentOptions } from './agent.js';
export { reactTools, checkArgs, BASH, PYTHON, SUBMIT, READ_FILE, WRITE_FILE, EDIT_FILE } from './tools.js';
export { execObservation, clip } from './observation.js';
export { probeEnvironment, runDirOf, type Environment } from './environment.js';
export { openingTurns, budgetText, scoreLine, type Limits } from './prompt.js';
export { registerLlmAgents, checkLlmAgentConfig, LLM_AGENTS } from './register.js';
