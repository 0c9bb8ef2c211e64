export { operatorsAgent, operatorTemplate, OPERATORS_AGENT } from './agent.js';
export { extractCode } from './extract.js';
