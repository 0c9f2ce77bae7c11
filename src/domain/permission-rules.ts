import { isAbsolute, join, normalize, resolve } from 'node:path';

/**
 * Permission rules in Claude Code's own syntax, decided by Flotilla for headless agents (whose
 * requests reach Flotilla through `--permission-prompt-tool`, see src/mcp/):
 * - `Bash`, `Edit`, `mcp__server` … — every call of that tool (of that MCP server);
 * - `Bash(npm test:*)` — a command that is `npm test` or starts with `npm test `; `Bash(git *)`
 *   — `*` matches anything; `Bash(npm test)` — exactly that command. A compound command
 *   (`a && b`, `a; b`, `a | b`) is allowed only if every part is, and denied if any part is;
 *   one with `$(…)`, backticks or `<(…)` is never allowed by a rule (it is asked);
 * - `Edit(src/**)`, `Read(docs/*.md)` — a path glob (`**` any folders, `*` within a name):
 *   relative to the agent's worktree (`/src/**` too), `//abs/**` absolute, `~/x` in HOME.
 *   `Edit` covers Edit, MultiEdit, Write and NotebookEdit; `Read` covers Read, Glob and Grep;
 * - `WebFetch(domain:example.com)` — that host and its subdomains.
 * Deny rules win over allow rules; no matching rule leaves the question to the user.
 */

/** The tool call a rule is checked against. */
export interface ToolCall {
  tool: string;
  input: Record<string, unknown>;
}

/** Where relative paths of a rule and of a call start. */
export interface RuleContext {
  /** The agent's worktree (Claude Code's working directory). */
  cwd: string;
  home: string;
}

/** An automatic decision and the rule that made it. */
export interface RuleDecision {
  decision: 'allow' | 'deny';
  rule: string;
}

interface ParsedRule {
  tool: string;
  specifier: string | null;
}

const RULE_RE = /^([A-Za-z0-9_*-]+)(?:\((.*)\))?$/s;

/** Parses `Tool` or `Tool(specifier)`; null when the text is not a rule. */
export function parseRule(text: string): ParsedRule | null {
  const m = RULE_RE.exec(text.trim());
  if (!m) return null;
  const specifier = m[2] === undefined ? null : m[2].trim();
  return { tool: m[1] as string, specifier: specifier === '' || specifier === '*' ? null : specifier };
}

/** Why a rule text is not one, or null: for config validation. */
export function ruleProblem(text: string): string | null {
  if (parseRule(text) !== null) return null;
  return `'${text}' is not a permission rule: write Tool or Tool(specifier), e.g. Bash(npm test:*), Edit, Read(src/**)`;
}

const EDIT_TOOLS = new Set(['Edit', 'MultiEdit', 'Write', 'NotebookEdit']);
const READ_TOOLS = new Set(['Read', 'Glob', 'Grep', 'LS']);

function toolMatches(ruleTool: string, tool: string): boolean {
  if (ruleTool === tool) return true;
  if (ruleTool === 'Edit' && EDIT_TOOLS.has(tool)) return true;
  if (ruleTool === 'Read' && READ_TOOLS.has(tool)) return true;
  // `mcp__server` and `mcp__server__*` name every tool of that server.
  if (ruleTool.startsWith('mcp__')) {
    const server = ruleTool.endsWith('__*') ? ruleTool.slice(0, -3) : ruleTool;
    return server.split('__').length === 2 && tool.startsWith(`${server}__`);
  }
  return false;
}

const escapeRe = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** `*` matches anything (a command glob). */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(escapeRe).join('.*')}$`, 's');
}

function commandMatches(spec: string, command: string): boolean {
  if (spec.endsWith(':*')) {
    const prefix = spec.slice(0, -2).trimEnd();
    return command === prefix || command.startsWith(`${prefix} `);
  }
  if (spec.includes('*')) return wildcard(spec).test(command);
  return command === spec;
}

/** Operators that chain commands, outside quotes. */
function splitCommand(command: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') {
        cur += c + (command[++i] ?? '');
        continue;
      }
      cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      cur += c;
      continue;
    }
    if (c === '\\') {
      cur += c + (command[++i] ?? '');
      continue;
    }
    const two = command.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      parts.push(cur);
      cur = '';
      i++;
      continue;
    }
    if (c === ';' || c === '|' || c === '\n' || c === '&') {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Command substitution runs a command no rule names: never allowed automatically. */
const SUBSTITUTION = /\$\(|`|<\(|>\(/;
/** A redirection writes where no rule looked (`echo x > ~/.bashrc`): never allowed automatically. */
const REDIRECTION = /[<>]/;
const unquoted = (command: string): string => command.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/gs, '');

/** gitignore-like: `**` any folders, `*` and `?` within one name. */
function globRe(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 's');
}

function rulePath(spec: string, ctx: RuleContext): string {
  if (spec.startsWith('//')) return spec.slice(1);
  if (spec.startsWith('~/')) return join(ctx.home, spec.slice(2));
  if (spec.startsWith('/')) return join(ctx.cwd, spec);
  return join(ctx.cwd, spec);
}

function callPath(input: Record<string, unknown>, ctx: RuleContext): string | null {
  const raw = [input.file_path, input.notebook_path, input.path].find((v) => typeof v === 'string');
  if (typeof raw !== 'string' || raw === '') return null;
  return normalize(isAbsolute(raw) ? raw : resolve(ctx.cwd, raw));
}

function pathMatches(spec: string, input: Record<string, unknown>, ctx: RuleContext): boolean {
  const path = callPath(input, ctx);
  if (path === null) return false;
  const pattern = rulePath(spec, ctx);
  // A folder pattern covers what is inside it, as in gitignore.
  return globRe(pattern).test(path) || globRe(`${pattern.replace(/\/+$/, '')}/**`).test(path);
}

function hostMatches(spec: string, input: Record<string, unknown>): boolean {
  if (!spec.startsWith('domain:') || typeof input.url !== 'string') return false;
  const domain = spec.slice('domain:'.length).toLowerCase();
  try {
    const host = new URL(input.url).hostname.toLowerCase();
    return host === domain || host.endsWith(`.${domain}`);
  } catch {
    return false;
  }
}

/**
 * Whether one rule covers a call. For Bash, `part` is one part of a compound command: the
 * caller checks every part.
 */
function covers(rule: ParsedRule, call: ToolCall, ctx: RuleContext, part?: string): boolean {
  if (!toolMatches(rule.tool, call.tool)) return false;
  if (rule.specifier === null) return true;
  if (call.tool === 'Bash') {
    const command = part ?? (typeof call.input.command === 'string' ? call.input.command.trim() : '');
    return commandMatches(rule.specifier, command);
  }
  if (rule.tool === 'WebFetch') return hostMatches(rule.specifier, call.input);
  if (EDIT_TOOLS.has(call.tool) || READ_TOOLS.has(call.tool))
    return pathMatches(rule.specifier, call.input, ctx);
  return false;
}

function firstCovering(
  rules: readonly string[],
  call: ToolCall,
  ctx: RuleContext,
  part?: string,
): string | undefined {
  return rules.find((text) => {
    const rule = parseRule(text);
    return rule !== null && covers(rule, call, ctx, part);
  });
}

/**
 * The automatic decision on a call, or null to ask the user. Deny rules are checked first and
 * win: a Bash command is denied when the whole command or any part of it matches one.
 */
export function decideByRules(
  rules: { allow: readonly string[]; deny: readonly string[] },
  call: ToolCall,
  ctx: RuleContext,
): RuleDecision | null {
  const command =
    call.tool === 'Bash' && typeof call.input.command === 'string' ? call.input.command.trim() : null;
  const parts = command === null ? null : splitCommand(command);
  const denied =
    firstCovering(rules.deny, call, ctx) ??
    (parts ?? []).map((p) => firstCovering(rules.deny, call, ctx, p)).find((r) => r !== undefined);
  if (denied !== undefined) return { decision: 'deny', rule: denied };
  if (parts === null) {
    const allowed = firstCovering(rules.allow, call, ctx);
    return allowed === undefined ? null : { decision: 'allow', rule: allowed };
  }
  // A bare `Bash` rule allows any command; a specific one must cover every part, and never a
  // command substitution it cannot see into.
  const whole = rules.allow.find((t) => {
    const r = parseRule(t);
    return r !== null && r.specifier === null && toolMatches(r.tool, 'Bash');
  });
  if (whole !== undefined) return { decision: 'allow', rule: whole };
  if (command === null || SUBSTITUTION.test(command) || REDIRECTION.test(unquoted(command))) return null;
  if (parts.length === 0) return null;
  const used: string[] = [];
  for (const part of parts) {
    const rule = firstCovering(rules.allow, call, ctx, part);
    if (rule === undefined) return null;
    if (!used.includes(rule)) used.push(rule);
  }
  return { decision: 'allow', rule: used.join(', ') };
}
