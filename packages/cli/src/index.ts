export { registerAll } from './commands/index.js';
