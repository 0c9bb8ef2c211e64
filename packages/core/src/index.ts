export * from './errors.js';
export * from './duration.js';
export * from './config.js';
export * from './logger.js';
export * from './ids.js';
export * from './version.js';
export * from './process.js';
export * from './dirs.js';
