export * from './identity.js';
export * from './interactive.js';
export * from './pause-writers.js';
export * from './run.js';
export * from './signals.js';
export * from './spawn-detached.js';
export * from './stat.js';
export * from './which.js';
