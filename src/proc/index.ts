export * from './run.js';
export * from './signals.js';
export * from './which.js';
