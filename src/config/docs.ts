/**
 * Generates `docs/configuration.md` from the schema: the layer and scope rules, then every key
 * with its type, default, env var, scope and description, then the planned (refused) keys. `scripts/gen-config-docs.js` writes it; a unit test
 * fails when the committed file is stale.
 */
import { stringify } from 'yaml';
import { wordList } from './format.js';
import { type ConfigKey, configKeys, describeExpected, lookupPath } from './keys.js';
import { PLANNED_FEATURES } from './planned.js';
import { BUILTIN_AGENT_NAMES, BUILTIN_AGENTS } from './schema.js';

const INTRO = `# Configuration

<!-- Generated from src/config/schema.ts by \`npm run docs:config\`. Do not edit by hand. -->

Flotilla works with no configuration at all. Every key below is optional and has a default.

## Where settings come from

Five layers, each overriding the ones before it:

| # | layer | where |
| --- | --- | --- |
| 1 | defaults | built in, listed below |
| 2 | user file | \`$XDG_CONFIG_HOME/flotilla/config.yaml\` (usually \`~/.config/flotilla/config.yaml\`), or the file named by \`FLOTILLA_CONFIG\` |
| 3 | repo file | \`flotilla.yaml\` at the root of the repo, for repo keys only (see Scope below; \`flotilla init\` writes a commented starter) |
| 4 | environment | \`FLOTILLA_<KEY>__<KEY>\` variables, e.g. \`FLOTILLA_LIMITS__MAX_CONCURRENT=8\` |
| 5 | flags | command-line options of the command being run |

Layers are merged deeply: a mapping merges key by key, so a repo file that sets only
\`worktrees.setup\` keeps every other \`worktrees\` key from the layers below, and an entry for a
built-in agent such as \`agents.claude-code\` that sets only \`command\` keeps that agent's other
defaults. Lists and single values are replaced, not appended to. \`flotilla config show --origin\`
prints every value with the layer (file and line, variable or flag) it came from.

YAML anchors and merge keys work, e.g. to define two agents that share a setup
(\`careful: {<<: *fast, permission_mode: plan}\`).

Keys are snake_case. Every mapping is strict: a key Flotilla does not know is an error, never
silently ignored, and the error suggests the key you probably meant.

@SCOPE@

## Environment variables

A variable is configuration when it starts with \`FLOTILLA_\` and contains \`__\`: the key path in
capitals, with \`__\` between keys.

- \`FLOTILLA_LIMITS__MAX_CONCURRENT=8\` sets \`limits.max_concurrent\`.
- \`FLOTILLA_SERVER__PORT=0\` sets \`server.port\`.
- Agent names swap dashes for underscores: \`FLOTILLA_AGENTS__CLAUDE_CODE__COMMAND=/opt/claude\`
  sets \`agents.claude-code.command\` (agent names never contain \`_\`, so this is unambiguous).
- Entries of an agent's \`env\` map keep their name as written:
  \`FLOTILLA_AGENTS__CLAUDE_CODE__ENV__ANTHROPIC_BASE_URL=http://127.0.0.1:8080\`.
- A variable may set a whole section as a YAML mapping: \`FLOTILLA_RESTART__BACKOFF='{initial_ms: 500}'\`.
- The top-level \`agent\` key is \`FLOTILLA_AGENT\`.

Values are read as YAML, so \`8\` is a number, \`true\` a boolean and \`[a, b]\` a list, except for keys
that hold text, which take the value verbatim (so \`FLOTILLA_WORKTREES__SETUP='npm ci && make'\`
needs no quoting); \`null\` or \`~\` clears a key that may be null. An empty variable counts as unset.
A \`FLOTILLA_…__…\` variable that matches no key is an error naming it, with a suggestion.
Variables without \`__\` are not configuration (\`FLOTILLA_HOME\`, \`FLOTILLA_CONFIG\`,
\`FLOTILLA_AGENT_ID\`, \`FLOTILLA_PORT_BASE\`, …) and are left alone.

## Paths

\`~\` in a path key (\`worktrees.root\`, \`server.tls.cert\`, \`server.tls.key\`) is your home directory.
A relative path is relative to the directory of the file that sets it (the repo root for
\`flotilla.yaml\`), or to the current directory when it comes from a variable or flag.

The state directory is \`FLOTILLA_HOME\`, by default \`$XDG_DATA_HOME/flotilla\` (usually
\`~/.local/share/flotilla\`). It holds the database (\`flotilla.db\`), \`logs/\`, per-agent files
under \`agents/\`, and the API token (\`token\`, readable by you only). Flotilla creates it with
mode 0700. A database file that is not a database, is corrupt, or is empty (0 bytes) while the
directory holds anything else is refused with \`DB_ERROR\` and left as it is: restore it from a
backup, or move it aside (\`mv flotilla.db flotilla.db.empty\`) to start a new one. Only a fresh
install starts a new database from an empty file.

## Errors

Flotilla checks the whole configuration before doing anything and changes nothing when it is
invalid. Every problem is reported, each with its file, line and column (or variable, or flag) and
its key path:

\`\`\`
~/.config/flotilla/config.yaml:4:3: limits.max_concurrent: expected an integer from 1 to 1000, got "many"
flotilla.yaml:9:1: worktree: unknown key 'worktree' (did you mean 'worktrees'?)
flotilla.yaml:12:3: restart.policy: a daemon setting, which a repo's flotilla.yaml cannot set: …
FLOTILLA_LIMTS__MAX_CONCURRENT: not a known config variable (did you mean FLOTILLA_LIMITS__MAX_CONCURRENT?)
\`\`\`

\`flotilla config validate\` checks the files without running anything.

## Secrets

Values of keys whose name mentions a secret, a password or
a credential, or ends in \`token\`, \`api_key\`, \`_key\`/\`-key\`, \`authorization\` or \`cookie\` (for
example the agent \`env\` entries \`ANTHROPIC_API_KEY\`, \`AWS_SECRET_ACCESS_KEY\`, \`NPM_TOKEN\`) are
never displayed by \`flotilla config show\`, \`config get\` or \`GET /api/v1/config\`; neither is the
password of any URL (\`postgres://app:<redacted>@db/app\`). Names ending in \`_env\` name a variable
and are shown; so are a bare \`key\` (a file path) and \`AWS_ACCESS_KEY_ID\` (an identifier).

An agent's \`env\` reaches its process through a file in the agent's state dir (mode 0600, emptied by
the launcher once read), never through a command line, where any local user could read it in
\`/proc\`.
`;

/** The scope rule, with the repo keys listed from the schema. */
function scopeSection(): string {
  // The agents section is repo-scoped as a whole: one item for it, not one per key.
  const repoKeys = [
    ...new Set(
      configKeys()
        .filter((k) => k.scope === 'repo')
        .map((k) => (k.path.startsWith('agents.') ? 'every `agents.<name>.…` key' : `\`${k.path}\``)),
    ),
  ];
  return `## Scope: repo keys and daemon keys

One daemon runs the agents of every repo. Each key below says who may set it (its **Scope**):

- **repo**: read for each repo from that repo's layers, so its \`flotilla.yaml\` may set it, for the
  agents of that repo only: ${wordList(repoKeys)}.
- **daemon**: read once by the daemon, for all repos: the limits, the restart policy, the port
  range, tmux, the server, the log and the hooks. Set these in the user file or with \`FLOTILLA_*\`
  variables (or the flags of \`flotilla serve\`), then run \`flotilla daemon restart\`. A repo's
  \`flotilla.yaml\` that sets one is an error naming the file, the line and where the key belongs.

The user file and the environment may set keys of both scopes: the daemon reads them, and so
does the configuration of every repo.`;
}

/** The keys of planned features, which every layer refuses. */
function plannedSection(): string {
  const rows = PLANNED_FEATURES.filter((f) => f.path.includes('.')).map(
    (f) => `- \`${f.path}.*\`: ${f.what}.`,
  );
  return [
    '## Planned keys (not yet supported)',
    '',
    'These features are planned and not built yet. Any key under them is refused, in a file, a',
    'variable or a flag, with an error that says it is not yet supported, rather than accepted and',
    'left without effect:',
    '',
    ...rows,
  ].join('\n');
}

function yamlInline(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0 }).trimEnd();
}

const COMPUTED_DEFAULTS: Record<string, string> = {
  'agents.<name>.adapter': `the agent name, for ${wordList(BUILTIN_AGENT_NAMES)}`,
  'agents.<name>.command': "the adapter's usual command (see the table above)",
};

function defaultText(key: ConfigKey): string {
  if (COMPUTED_DEFAULTS[key.path]) return COMPUTED_DEFAULTS[key.path]!;
  if (!key.hasDefault) return key.nullable ? '`null`' : 'none';
  return `\`${yamlInline(key.defaultValue)}\``;
}

function agentsTable(): string {
  const rows = Object.entries(BUILTIN_AGENTS).map(
    ([name, a]) => `| \`${name}\` | \`${name}\` | \`${a.command}\` |`,
  );
  return ['| name | adapter | command |', '| --- | --- | --- |', ...rows].join('\n');
}

function keySection(key: ConfigKey): string {
  return [
    `### \`${key.path}\``,
    '',
    key.description,
    '',
    `- Type: ${describeExpected(key)}`,
    `- Default: ${defaultText(key)}`,
    `- Environment: \`${key.envVar}\``,
    `- Scope: ${key.scope === 'repo' ? "repo (a repo's `flotilla.yaml` may set it)" : "daemon (the user file, variables or flags; not a repo's `flotilla.yaml`)"}`,
  ].join('\n');
}

/** The whole of docs/configuration.md. */
export function configReferenceMarkdown(): string {
  const parts = [INTRO.replace('@SCOPE@', scopeSection()).trimEnd(), '', '## Reference'];
  let section = '';
  for (const key of configKeys()) {
    const top = key.path.split('.')[0] ?? '';
    if (top !== section && key.path.includes('.')) {
      section = top;
      const found = lookupPath([top]);
      parts.push('', `## \`${top}\``, '', found.ok ? found.info.description : '');
      if (top === 'agents') parts.push('', 'Built-in agents, always defined:', '', agentsTable());
    }
    parts.push('', keySection(key));
  }
  parts.push('', plannedSection());
  return `${parts.join('\n')}\n`;
}
