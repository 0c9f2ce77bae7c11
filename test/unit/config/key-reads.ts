/**
 * Which config keys the code outside `src/config/` reads, found by the TypeScript checker rather
 * than by grepping names (`port`, `command` or `level` are read everywhere for other reasons).
 *
 * A key counts as read when one of these reaches it:
 * - a property access or destructuring whose symbol is declared by that key in the schema
 *   (`config.limits.max_concurrent`, `const { cpu_percent } = config.limits`);
 * - the same on a mirror: an interface or type literal outside src/config/ whose property names
 *   are all keys of one config section (`RestartConfig`, `AgentEntryConfig`, which the code
 *   passes the section into), through the property named like the key;
 * - a read of its parent section in a file that names the key as a string literal (a dynamic
 *   read such as `patterns[status]` over `['working', 'needs_input', …]`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { configKeyPaths, NAME_PLACEHOLDER } from '../../../src/config/keys.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SRC = join(ROOT, 'src');
const CONFIG_DIR = join(SRC, 'config');

const idOf = (d: ts.Declaration) => `${d.getSourceFile().fileName}:${d.getStart()}`;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return path === CONFIG_DIR ? [] : sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The declarations of each key and section path (`limits`, `limits.max_concurrent`, `agents.<name>`). */
function schemaDeclarations(checker: ts.TypeChecker, schemaFile: ts.SourceFile) {
  const byPath = new Map<string, { ids: Set<string>; children: string[] }>();
  const configSymbol = checker.getSymbolAtLocation(
    schemaFile.statements.find(
      (s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === 'Config',
    )!.name,
  )!;
  const walk = (type: ts.Type, path: string, depth: number) => {
    const entry = { ids: new Set<string>(), children: [] as string[] };
    byPath.set(path, entry);
    if (depth > 6) return;
    const index = checker.getIndexInfosOfType(type)[0];
    const props = checker.getPropertiesOfType(type);
    if (index && props.length === 0) {
      entry.children.push(NAME_PLACEHOLDER);
      return walk(checker.getNonNullableType(index.type), `${path}.${NAME_PLACEHOLDER}`, depth + 1);
    }
    for (const prop of props) {
      const child = path ? `${path}.${prop.name}` : prop.name;
      entry.children.push(prop.name);
      walk(checker.getNonNullableType(checker.getTypeOfSymbol(prop)), child, depth + 1);
      for (const d of prop.declarations ?? []) byPath.get(child)?.ids.add(idOf(d));
    }
  };
  walk(checker.getDeclaredTypeOfSymbol(configSymbol), '', 0);
  return byPath;
}

/** Every documented key path that no code outside src/config/ reads. */
export function unreadConfigKeys(): string[] {
  const files = sourceFiles(SRC).filter((f) => /config/i.test(readFileSync(f, 'utf8')));
  const schemaPath = join(CONFIG_DIR, 'schema.ts');
  const program = ts.createProgram([...files, schemaPath], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const declarations = schemaDeclarations(checker, program.getSourceFile(schemaPath)!);
  const sections = [...declarations].filter(([, e]) => e.children.length > 0);
  const keyNames = new Set([...declarations.keys()].map((p) => p.split('.').at(-1) ?? ''));

  // Mirrors: each property of a type whose names are all keys of one section stands for that key.
  const mirrorOf = new Map<string, string[]>();
  const readIds = new Set<string>();
  const readInFile = new Map<string, Set<string>>();
  const literalsInFile = new Map<string, Set<string>>();
  for (const file of files) {
    const sf = program.getSourceFile(file)!;
    const literals = new Set<string>();
    const reads = new Set<string>();
    literalsInFile.set(file, literals);
    readInFile.set(file, reads);
    const visit = (node: ts.Node): void => {
      if (ts.isInterfaceDeclaration(node) || ts.isTypeLiteralNode(node)) {
        const members = node.members.filter(ts.isPropertySignature);
        const names = members.map((m) => m.name.getText(sf));
        for (const [path, entry] of sections) {
          if (names.length === 0 || !names.every((n) => entry.children.includes(n))) continue;
          for (const m of members) {
            const key = path ? `${path}.${m.name.getText(sf)}` : m.name.getText(sf);
            mirrorOf.set(idOf(m), [...(mirrorOf.get(idOf(m)) ?? []), key]);
          }
        }
      }
      if (ts.isStringLiteral(node)) literals.add(node.text);
      // Only names that are config keys are resolved: the checker's work is most of the cost.
      let symbol: ts.Symbol | undefined;
      if (ts.isPropertyAccessExpression(node) && keyNames.has(node.name.text)) {
        symbol = checker.getSymbolAtLocation(node.name);
      } else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
        const name = (node.propertyName ?? node.name).getText(sf);
        if (keyNames.has(name)) symbol = checker.getTypeAtLocation(node.parent).getProperty(name);
      }
      if (symbol) {
        for (const d of symbol.declarations ?? []) {
          readIds.add(idOf(d));
          reads.add(idOf(d));
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }

  const readPaths = new Set<string>();
  for (const [path, entry] of declarations)
    if ([...entry.ids].some((id) => readIds.has(id))) readPaths.add(path);
  for (const [id, keys] of mirrorOf) if (readIds.has(id)) for (const k of keys) readPaths.add(k);
  const isRead = (path: string): boolean => {
    if (readPaths.has(path)) return true;
    const cut = path.lastIndexOf('.');
    if (cut === -1) return false;
    const parent = path.slice(0, cut);
    const name = path.slice(cut + 1);
    // A dynamic read: the parent section is read in a file that names this key as a string.
    const parentIds = declarations.get(parent)?.ids ?? new Set<string>();
    const mirrorIds = [...mirrorOf].filter(([, keys]) => keys.includes(parent)).map(([id]) => id);
    return files.some(
      (f) =>
        literalsInFile.get(f)?.has(name) &&
        [...parentIds, ...mirrorIds].some((id) => readInFile.get(f)?.has(id)),
    );
  };
  return configKeyPaths().filter((path) => !isRead(path));
}

/** For messages: where the sources are. */
export const SRC_DIR = relative(ROOT, SRC);
