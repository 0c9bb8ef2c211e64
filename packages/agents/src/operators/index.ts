export { operatorsAgent, operatorTemplate, failureText, OPERATORS_AGENT } from './agent.js';
export { extractCode } from './extract.js';
