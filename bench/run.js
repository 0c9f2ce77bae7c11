#!/usr/bin/env node
// `npm run bench [name]`: every figure is printed next to a baseline measured in the same run.
import { benchApiLoad } from './api-load.js';
import { benchCliLatency } from './cli-latency.js';
import { benchConflicts } from './conflicts.js';
import { benchIdle } from './idle.js';
import { benchLanding } from './landing.js';
import { benchSpawn } from './spawn.js';
import { benchStatusLatency } from './status-latency.js';
import { benchStatusLatencyClaude } from './status-latency-claude.js';
import { benchWebLatency } from './web-latency.js';
import { benchWebLoad } from './web-load.js';
import { benchWsFanout } from './ws-fanout.js';

const only = process.argv[2];
const benches = [
  ['cli', benchCliLatency],
  ['spawn', benchSpawn],
  ['conflicts', benchConflicts],
  ['landing', benchLanding],
  ['status', benchStatusLatency],
  ['status-claude', benchStatusLatencyClaude],
  ['idle', benchIdle],
  ['api-load', benchApiLoad],
  ['ws-fanout', benchWsFanout],
  ['web-latency', benchWebLatency],
  ['web-load', benchWebLoad],
];

console.log(`flotilla benchmarks — node ${process.versions.node}, ${process.platform}-${process.arch}\n`);
let failed = false;
for (const [name, fn] of benches) {
  if (only && only !== name) continue;
  try {
    await fn();
  } catch (err) {
    failed = true;
    console.log(`${name}: failed — ${err.message}`);
  }
}
process.exitCode = failed ? 1 : 0;
