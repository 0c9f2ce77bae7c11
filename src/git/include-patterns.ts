/**
 * `.worktreeinclude` patterns: which gitignored or untracked files of the main checkout a new
 * worktree gets a copy of. The syntax is .gitignore's, relative to the repository root:
 * `#` comments, `!` negation (the last matching pattern wins), a leading or middle `/` anchors
 * to the root (otherwise a pattern matches a name at any depth), a trailing `/` matches
 * directories only, `*` `?` `[abc]` stay within one path component, and `**` spans components.
 * A matching directory selects everything inside it (unlike .gitignore, a later `!` pattern can
 * still take single files back out). POSIX classes like `[[:alpha:]]` are not supported.
 */

/** One compiled pattern line. */
export interface IncludeRule {
  source: string;
  negate: boolean;
  dirOnly: boolean;
  /** Anchored patterns are matched against the whole path; others against any suffix of components. */
  anchored: boolean;
  regex: RegExp;
  /** Per-component regexes of an anchored pattern (null for `**`), to decide whether to look inside a directory. */
  segments: (RegExp | null)[];
}

/** Parse pattern lines (file text or a config list); blank lines and comments are skipped. */
export function parseIncludePatterns(lines: string | readonly string[]): IncludeRule[] {
  const list = typeof lines === 'string' ? lines.split(/\r?\n/) : lines;
  const rules: IncludeRule[] = [];
  for (const raw of list) {
    const rule = compileRule(raw);
    if (rule) rules.push(rule);
  }
  return rules;
}

function compileRule(raw: string): IncludeRule | null {
  // Trailing spaces are ignored unless escaped, as in .gitignore.
  let p = raw.replace(/(?<!\\)\s+$/, '');
  if (p === '' || p.startsWith('#')) return null;
  let negate = false;
  if (p.startsWith('!')) {
    negate = true;
    p = p.slice(1);
  } else if (p.startsWith('\\!') || p.startsWith('\\#')) {
    p = p.slice(1);
  }
  let dirOnly = false;
  if (p.endsWith('/')) {
    dirOnly = true;
    p = p.replace(/\/+$/, '');
  }
  const anchored = p.includes('/');
  p = p.replace(/^\/+/, '');
  if (p === '') return null;
  const body = globToRegexSource(p);
  return {
    source: raw.trim(),
    negate,
    dirOnly,
    anchored,
    regex: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`),
    segments: anchored
      ? p.split('/').map((s) => (s === '**' ? null : new RegExp(`^${globToRegexSource(s)}$`)))
      : [],
  };
}

const REGEX_SPECIAL = /[.+^${}()|\\/]/;

/** Translate a glob (with `/` separators) to a regex body; `**` is special only as a whole component. */
export function globToRegexSource(glob: string): string {
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const c = glob[i] as string;
    if (c === '*') {
      const wholeComponent = (i === 0 || glob[i - 1] === '/') && glob[i + 1] === '*';
      if (wholeComponent && i + 2 === glob.length) {
        out += '.*';
        i += 2;
        continue;
      }
      if (wholeComponent && glob[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 3;
        continue;
      }
      while (glob[i] === '*') i++;
      out += '[^/]*';
      continue;
    }
    if (c === '?') {
      out += '[^/]';
      i++;
      continue;
    }
    if (c === '[') {
      const cls = readClass(glob, i);
      if (cls) {
        out += cls.source;
        i = cls.end;
        continue;
      }
      out += '\\[';
      i++;
      continue;
    }
    if (c === '\\' && i + 1 < glob.length) {
      out += escapeChar(glob[i + 1] as string);
      i += 2;
      continue;
    }
    out += escapeChar(c);
    i++;
  }
  return out;
}

function escapeChar(c: string): string {
  return REGEX_SPECIAL.test(c) || c === '[' || c === ']' || c === '*' || c === '?' ? `\\${c}` : c;
}

/** `[abc]`, `[a-z]`, `[!x]`/`[^x]`; a `]` right after the opening is literal. Null if unterminated. */
function readClass(glob: string, start: number): { source: string; end: number } | null {
  let i = start + 1;
  let negate = false;
  if (glob[i] === '!' || glob[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  while (i < glob.length) {
    const c = glob[i] as string;
    if (c === ']' && !first) {
      // A class never matches '/', as in git's wildmatch with WM_PATHNAME.
      return { source: negate ? `[^/${body}]` : `(?!/)[${body}]`, end: i + 1 };
    }
    if (c === '\\' && i + 1 < glob.length) {
      body += `\\${glob[i + 1]}`;
      i += 2;
    } else {
      body += c === '-' ? '-' : /[\]\\^[]/.test(c) ? `\\${c}` : c;
      i++;
    }
    first = false;
  }
  return null;
}

function ruleMatches(rule: IncludeRule, path: string, isDir: boolean): boolean {
  if (rule.dirOnly && !isDir) return false;
  return rule.regex.test(path);
}

/**
 * Whether `path` (relative, '/'-separated) is selected: the last rule matching the path itself
 * or one of its parent directories decides.
 */
export function isIncluded(rules: readonly IncludeRule[], path: string, isDir = false): boolean {
  const parts = path.split('/');
  const candidates: [string, boolean][] = [[path, isDir]];
  for (let n = parts.length - 1; n > 0; n--) candidates.push([parts.slice(0, n).join('/'), true]);
  let verdict = false;
  for (const rule of rules) {
    if (candidates.some(([p, d]) => ruleMatches(rule, p, d))) verdict = !rule.negate;
  }
  return verdict;
}

/**
 * Whether an anchored pattern names something *inside* directory `dir` by an explicit path
 * (`config/local/*.json` for `config`). Unanchored names (`.env`) and leading `**` do not:
 * git collapses wholly untracked directories like node_modules, and they are only opened when a
 * pattern points into them on purpose.
 */
export function mayIncludeInside(rules: readonly IncludeRule[], dir: string): boolean {
  const parts = dir.split('/');
  return rules.some((rule) => {
    if (rule.negate || !rule.anchored) return false;
    for (let i = 0; i < parts.length; i++) {
      const seg = rule.segments[i];
      // `**` after an explicit prefix can reach any depth below it.
      if (seg === null) return i > 0;
      if (seg === undefined || !seg.test(parts[i] as string)) return false;
    }
    return rule.segments.length > parts.length;
  });
}
