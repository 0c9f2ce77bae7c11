#!/usr/bin/env node
// `npm run bench`: every figure is printed next to a baseline measured in the same run.
import { benchCliLatency } from './cli-latency.js';

const only = process.argv[2];
const benches = [['cli', benchCliLatency]];

console.log(`flotilla benchmarks — node ${process.versions.node}, ${process.platform}-${process.arch}\n`);
for (const [name, fn] of benches) {
  if (only && only !== name) continue;
  await fn();
}
