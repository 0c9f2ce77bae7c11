/**
 * The commented `flotilla.yaml` that `flotilla init` writes: the most useful keys, each commented
 * out with its default and its description from the schema, so uncommenting a line is the whole
 * edit. Generated from the schema so it cannot show a stale default.
 */
import { stringify } from 'yaml';
import { lookupPath } from './keys.js';
import { getIn } from './layers.js';
import { defaultConfig } from './schema.js';

/**
 * Keys shown, in order; sections appear in the order of their first key. Only `repo` keys: this is
 * a repo's file, and a daemon key here would be refused (the starter test checks the scope).
 */
const STARTER_KEYS = [
  'agent',
  'agents.claude-code.command',
  'agents.claude-code.args',
  'agents.claude-code.env',
  'agents.claude-code.mode',
  'agents.claude-code.permission_mode',
  'agents.claude-code.skip_first_run_dialogs',
  'agents.claude-code.auto_commit',
  'worktrees.root',
  'worktrees.copy',
  'worktrees.setup',
  'worktrees.base_ref',
  'scheduler.auto',
  'landing.strategy',
  'landing.verify',
  'landing.max_attempts',
];

const HEADER = `# flotilla.yaml: Flotilla settings for this repository's agents, worktrees, dispatch and landing.
#
# Every key is optional; each one below is shown with its default. Uncomment a line to change it.
# Layers, later wins: built-in defaults < ~/.config/flotilla/config.yaml < this file
#   < FLOTILLA_* environment variables (e.g. FLOTILLA_WORKTREES__SETUP='npm ci') < command-line flags.
# The daemon's own settings (limits, restart, server, tmux, log, hooks) serve every repo, so they go
# in ~/.config/flotilla/config.yaml or FLOTILLA_* variables, never here.
# Every key and its scope: docs/configuration.md. After editing, check with \`flotilla config validate\`.
`;

const CUSTOM_AGENT_EXAMPLE = [
  '#   # Any other command-line agent:',
  '#   my-agent:',
  '#     adapter: custom',
  '#     command: my-agent-cli',
  '#     args: ["--yes"]',
];

const WIDTH = 100;

/** Wraps text into comment lines of at most WIDTH columns. */
function commentLines(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + 4 + line.length + word.length + 1 > WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => `# ${indent}# ${l}`);
}

function yamlValue(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0 }).trimEnd();
}

/** Writes `# key: default` lines for a tree of the chosen keys. */
function emit(out: string[], defaults: unknown, prefix: string[], paths: string[][], depth: number): void {
  const order: string[] = [];
  for (const p of paths) if (p[depth] !== undefined && !order.includes(p[depth])) order.push(p[depth]);
  for (const key of order) {
    const segments = [...prefix, key];
    const below = paths.filter((p) => p[depth] === key);
    const indent = '  '.repeat(depth);
    const found = lookupPath(segments);
    const description = found.ok ? found.info.description : '';
    if (depth === 0) out.push('');
    const isLeaf = below.some((p) => p.length === depth + 1);
    if (depth === 0) out.push(...commentLines(description, '').map((l) => l.replace(/^# # /, '# ')));
    else out.push(...commentLines(description, indent));
    if (isLeaf) {
      out.push(`# ${indent}${key}: ${yamlValue(getIn(defaults, segments))}`);
    } else {
      out.push(`# ${indent}${key}:`);
      emit(out, defaults, segments, below, depth + 1);
      if (segments.join('.') === 'agents') out.push(...CUSTOM_AGENT_EXAMPLE);
    }
  }
}

/** A commented starter config that parses to an empty (all defaults) configuration. */
export function starterConfigYaml(): string {
  const out: string[] = [HEADER.trimEnd()];
  emit(
    out,
    defaultConfig(),
    [],
    STARTER_KEYS.map((k) => k.split('.')),
    0,
  );
  return `${out.join('\n')}\n`;
}
