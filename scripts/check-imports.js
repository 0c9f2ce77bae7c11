#!/usr/bin/env node
// The module map, checked: import cycles between files and between folders of src/, and the
// layering rules of docs/architecture.md (domain imports nothing of ours; routes and the CLI do
// not reach into git/, tmux/ or store/). Prints every finding; exits 1 when there is one, unless
// --report (then it only prints). `npm test` runs it. Type-only imports count: a type is a
// dependency too.
//
// --rooms <file>[,<file>…] (paths under src/, e.g. core/agents.ts): instead, counts the files
// reachable from those entries through imports (static, dynamic and type-only): how many rooms a
// data path may walk through. --list also names them.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const IMPORT_RE =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const graph = new Map();
for (const file of files(ROOT)) {
  const text = readFileSync(file, 'utf8');
  const deps = new Set();
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2];
    if (!spec?.startsWith('.')) continue;
    deps.add(relative(ROOT, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))));
  }
  graph.set(relative(ROOT, file), deps);
}

/** Strongly connected components with more than one member (Tarjan). */
function cycles(g) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const folderOf = (f) => (f.includes('/') ? f.split('/')[0] : '.');
const folders = new Map();
for (const [f, deps] of graph) {
  const from = folderOf(f);
  if (!folders.has(from)) folders.set(from, new Set());
  for (const d of deps) if (folderOf(d) !== from) folders.get(from).add(folderOf(d));
}

const roomsAt = process.argv.indexOf('--rooms');
if (roomsAt !== -1) {
  const entries = (process.argv[roomsAt + 1] ?? '').split(',').filter(Boolean);
  const missing = entries.filter((e) => !graph.has(e));
  if (entries.length === 0 || missing.length > 0) {
    console.error(`--rooms needs files under src/ (${missing.join(', ') || 'none given'} not found)`);
    process.exit(2);
  }
  const seen = new Set();
  const todo = [...entries];
  while (todo.length > 0) {
    const f = todo.pop();
    if (seen.has(f) || !graph.has(f)) continue;
    seen.add(f);
    todo.push(...graph.get(f));
  }
  if (process.argv.includes('--list')) for (const f of [...seen].sort()) console.log(f);
  console.log(`${seen.size} file(s) reachable from ${entries.join(', ')}`);
  process.exit(0);
}

const findings = [];
for (const c of cycles(graph)) findings.push(`file cycle: ${c.join(' → ')}`);
for (const c of cycles(folders)) findings.push(`folder cycle: ${c.join(' ↔ ')}`);
for (const [f, deps] of graph) {
  for (const d of deps) {
    if (folderOf(f) === 'domain' && folderOf(d) !== 'domain') findings.push(`domain imports ${d}: ${f}`);
    const routeOrCli = f.startsWith('api/routes/') || f.startsWith('cli/');
    if (routeOrCli && /^(git|tmux|store)\//.test(d)) findings.push(`${f} reaches into ${d}`);
  }
}

for (const line of findings) console.log(line);
console.log(`${findings.length} finding(s) in ${graph.size} files`);
if (findings.length > 0 && !process.argv.includes('--report')) process.exitCode = 1;
