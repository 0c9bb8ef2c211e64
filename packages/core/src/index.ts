export * from './errors.js';
export * from './duration.js';
export * from './config.js';
export * from './logger.js';
export * from './ids.js';
export * from './version.js';
export * from './rng.js';
export * from './direction.js';
