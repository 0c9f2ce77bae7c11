export * from './attach.js';
export {
  classify,
  socketPathForName,
  TmuxClient,
  type TmuxOutcome,
  type TmuxServerOptions,
} from './client.js';
export * from './escape.js';
export * from './names.js';
export * from './pane-info.js';
export * from './screen.js';
export * from './server.js';
export * from './server-config.js';
export * from './version.js';
