#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through `prepare`).
// `flotilla hook` is called by agents on every tool call: it skips the CLI entirely and loads
// only node built-ins, so it costs the agent as little as possible.
// `flotilla mcp` (Claude Code starts it for headless agents) needs only its MCP server.
const entry =
  process.argv[2] === 'hook'
    ? '../dist/agents/hook-cli.js'
    : process.argv[2] === 'mcp'
      ? '../dist/mcp/server.js'
      : '../dist/cli/main.js';

import(entry).then(
  async (mod) => {
    process.exitCode = await mod.main(process.argv);
  },
  (err) => {
    if (process.argv[2] === 'hook') return; // a hook never fails the agent
    console.error(err);
    process.exitCode = 70;
  },
);
