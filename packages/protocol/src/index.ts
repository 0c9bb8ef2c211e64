export * from './gen/index.js';
export * from './auth.js';
export * from './server.js';
export * from './channel.js';
export * from './connection.js';
export * from './paths.js';
