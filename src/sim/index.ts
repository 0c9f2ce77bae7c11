export * from './claude-home.js';
export * from './engine.js';
export * from './request.js';
export * from './script.js';
export * from './server.js';
export * from './steps.js';
