/**
 * Reads one YAML config file into plain data plus a way to find where any key path is written in
 * it, so an error can say `flotilla.yaml:4:3` instead of only `limits.max_concurrent`.
 */
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

/** A 1-based line and column in a file. */
export interface Position {
  line: number;
  col: number;
}

/** A problem found while reading a file, before any schema check. */
export interface ReadProblem {
  message: string;
  position: Position | undefined;
}

/** A config file's contents. `data` is null when the file could not be used. */
export interface YamlConfigFile {
  file: string;
  exists: boolean;
  data: Record<string, unknown> | null;
  problems: ReadProblem[];
  /** Where the key at `segments` (or its nearest written ancestor) is; undefined if nowhere. */
  locate(segments: readonly (string | number)[]): Position | undefined;
}

const nowhere = () => undefined;

/** Reads and parses `file`. A missing file is not a problem: it is simply not a layer. */
export function readYamlConfig(file: string): YamlConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { file, exists: false, data: null, problems: [], locate: nowhere };
    const why = code === 'EISDIR' ? 'it is a directory, not a file' : (err as Error).message;
    return {
      file,
      exists: true,
      data: null,
      problems: [{ message: `cannot read: ${why}`, position: undefined }],
      locate: nowhere,
    };
  }
  return parseYamlConfig(file, text);
}

/** Parses config text; `file` is only used for naming. */
export function parseYamlConfig(file: string, text: string): YamlConfigFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({ message: yamlMessage(e.message), position: at(e.pos[0]) }));
    return { file, exists: true, data: null, problems, locate: nowhere };
  }
  const locate = (segments: readonly (string | number)[]) => locateIn(doc.contents, segments, at);
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    return { file, exists: true, data: {}, problems: [], locate };
  }
  if (!isMap(contents)) {
    const what = isSeq(contents) ? 'a list' : 'a single value';
    const position = contents.range ? at(contents.range[0]) : undefined;
    const message = `the file must be a mapping of keys (like \`limits:\`), not ${what}`;
    return { file, exists: true, data: null, problems: [{ message, position }], locate };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    return {
      file,
      exists: true,
      data: null,
      problems: [{ message: (err as Error).message, position: undefined }],
      locate,
    };
  }
  return { file, exists: true, data: data as Record<string, unknown>, problems: [], locate };
}

/** yaml's messages end with " at line L, column C: <excerpt>"; the position is reported separately. */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
}

/** Walks the YAML AST along `segments`, returning the key (or list item) position of the deepest match. */
function locateIn(
  root: unknown,
  segments: readonly (string | number)[],
  at: (offset: number) => Position,
): Position | undefined {
  let node: unknown = root;
  let found: Position | undefined;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
      if (!pair) break;
      const key = pair.key as Node;
      if (key.range) found = at(key.range[0]);
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(String(seg))) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (!item) break;
      if (item.range) found = at(item.range[0]);
      node = item;
    } else {
      break;
    }
  }
  return found;
}
