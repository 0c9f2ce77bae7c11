export { createDaemonLogger, type DaemonMode } from './logger.js';
export type { DaemonContext, DaemonPlugin } from './plugin.js';
export { type RunningDaemon, type StartDaemonOptions, startDaemon } from './server.js';
export * from './state.js';
