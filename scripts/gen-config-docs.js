#!/usr/bin/env node
// Regenerates docs/configuration.md from the config schema. Runs on the build output, so run
// `npm run build` first (`npm run docs:config` is wired to this script).
// `--check` writes nothing and exits 1 when the file is out of date (for CI).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'docs', 'configuration.md');

let generate;
try {
  ({ configReferenceMarkdown: generate } = await import('../dist/config/docs.js'));
} catch (err) {
  console.error(`cannot load dist/config/docs.js (${err.message}): run \`npm run build\` first`);
  process.exit(1);
}

const fresh = generate();
let current = null;
try {
  current = readFileSync(target, 'utf8');
} catch {
  // Missing file: it is written below, or reported stale with --check.
}

if (process.argv.includes('--check')) {
  if (current === fresh) process.exit(0);
  console.error('docs/configuration.md is out of date: run `npm run build && npm run docs:config`');
  process.exit(1);
}
if (current === fresh) {
  console.log('docs/configuration.md is up to date');
} else {
  writeFileSync(target, fresh);
  console.log('wrote docs/configuration.md');
}
