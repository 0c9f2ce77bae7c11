import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command, Option } from 'commander';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/main.js';

/**
 * Every `flotilla …` command the code can print — in a hint, an error, a help text, a "run: …"
 * line — must name a command, subcommand and options that exist. The strings are taken from the
 * source with the TypeScript parser (string and template literals, `${…}` parts unknown), each
 * `flotilla <command> [<subcommand>] [--option…]` in them is checked against the real commander
 * program.
 */

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SRC = join(ROOT, 'src');
/** Routed by bin/flotilla.js before the CLI loads; agents call them, not users. */
const BIN_ONLY = new Set(['hook', 'mcp']);
/** Literal texts that contain "flotilla <word>" without naming a command. */
const NOT_COMMANDS = new Set([
  'flotilla sim\n', // the scripted model server's answer to GET /
]);
const DYNAMIC = '\u0000';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Every string and template literal of a file, `${…}` replaced by a marker. */
function literals(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push(node.text);
    else if (ts.isTemplateExpression(node)) {
      out.push(node.head.text + node.templateSpans.map((s) => DYNAMIC + s.literal.text).join(''));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

interface Mention {
  file: string;
  text: string;
  words: string[];
  options: string[];
}

/** `flotilla task add "x" --priority high; …` → words [task, add, "x"], options [--priority]. */
function mentions(file: string, text: string): Mention[] {
  const found: Mention[] = [];
  // A command line ends at a sentence break, a pipe, a closing bracket or quote, or "·".
  const re = /(?:^|[\s`'"(:])flotilla ([^\n`;|()·]*)/g;
  for (const m of text.matchAll(re)) {
    const tokens = (m[1] ?? '').split(/\s+/).filter(Boolean);
    const words: string[] = [];
    const options: string[] = [];
    for (const raw of tokens) {
      if (/^(or|and|then|to|for|with|instead|first|again|—)$/.test(raw)) break;
      const t = raw.replace(/[.,:!?'"]+$/, '');
      if (/^--?[a-zA-Z]/.test(t)) options.push(t.replace(/=.*$/, ''));
      else words.push(t);
    }
    found.push({ file: relative(ROOT, file), text: `flotilla ${m[1]}`.trim(), words, options });
  }
  return found;
}

const names = (c: Command) => [c.name(), ...c.aliases()];
const flagsOf = (c: Command | null): string[] => {
  const out: string[] = ['-h', '--help'];
  for (let x = c; x; x = x.parent)
    for (const o of x.options as Option[]) {
      if (o.long) out.push(o.long);
      if (o.short) out.push(o.short);
      // `--no-color` also accepts `--color`… not needed: only the declared spelling is printed.
    }
  return out;
};

/** What is wrong with one mention, or null when it names a real command with real options. */
function problemOf(program: Command, m: Mention): string | null {
  const [first, second] = m.words;
  if (first === undefined) return null; // "flotilla" alone, or with options only
  if (first.includes(DYNAMIC)) return null; // the command itself is computed: nothing to check
  if (BIN_ONLY.has(first)) return null;
  const cmd = program.commands.find((c) => names(c).includes(first));
  if (!cmd) return `no command '${first}'`;
  let target = cmd;
  if (cmd.commands.length > 0) {
    if (second === undefined || second.includes(DYNAMIC) || /^[<[]/.test(second)) {
      // `flotilla worktree` alone prints its help; that is fine.
    } else {
      const sub = cmd.commands.find((c) => names(c).includes(second));
      if (!sub) return `no command '${first} ${second}'`;
      target = sub;
    }
  }
  const flags = flagsOf(target);
  const bad = m.options.filter((o) => !o.includes(DYNAMIC) && !flags.includes(o));
  if (bad.length > 0) return `'${names(target)[0]}' has no option ${bad.join(', ')}`;
  return null;
}

describe('every command the CLI names exists', () => {
  const program = buildProgram(async () => {});
  const all = sourceFiles(SRC).flatMap((f) =>
    literals(f)
      .filter((t) => !NOT_COMMANDS.has(t))
      .flatMap((t) => mentions(f, t)),
  );

  it('finds the hints (the scan itself works)', () => {
    expect(all.length).toBeGreaterThan(40);
    const texts = all.map((m) => m.text);
    expect(texts.some((t) => t.startsWith('flotilla task move'))).toBe(true);
    expect(texts.some((t) => t.startsWith('flotilla start') && t.includes('--reuse-branch'))).toBe(true);
  });

  it('catches a command, a subcommand or an option that does not exist', () => {
    const check = (text: string) => mentions('x.ts', text).map((m) => problemOf(program, m));
    expect(check('remove it with flotilla worktree rm')).toEqual(["no command 'worktree rm'"]);
    expect(check('(flotilla config set server.terminal_input true)')).toEqual(["no command 'config set'"]);
    expect(check('run: flotilla start abc --reuse-brunch')).toEqual(["'start' has no option --reuse-brunch"]);
    expect(check('run: flotilla lnad')).toEqual(["no command 'lnad'"]);
    expect(check(`move it back: flotilla task move ${DYNAMIC} todo`)).toEqual([null]);
    expect(check('see flotilla.yaml')).toEqual([]);
  });

  it('every hint, message and help text in src/ names a real command and real options', () => {
    const problems = all
      .map((m) => ({ m, problem: problemOf(program, m) }))
      .filter((x) => x.problem !== null)
      .map(({ m, problem }) => `${m.file}: "${m.text.replaceAll(DYNAMIC, '…')}": ${problem}`);
    expect(problems).toEqual([]);
  });
});
