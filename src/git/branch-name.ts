import { FlotillaError } from '../domain/errors.js';
import { git } from './exec.js';

/**
 * Branch names for tasks: `flotilla/<task-id>-<slug>`. The slug is built only from [a-z0-9-],
 * so a generated name is valid by construction; `refNameProblem` mirrors git's
 * check-ref-format rules in-process so the create path needs no extra git call, and
 * `checkBranchName` asks git itself for names typed by a user.
 */

export const BRANCH_PREFIX = 'flotilla/';
export const SLUG_MAX_LENGTH = 40;

/** Letters NFKD does not decompose into ASCII. */
const TRANSLITERATE: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
  ŋ: 'ng',
  '&': ' and ',
  '+': ' plus ',
};

/** Lowercase ASCII words joined by '-', at most SLUG_MAX_LENGTH characters, never empty. */
export function slugify(title: string, maxLength = SLUG_MAX_LENGTH): string {
  const ascii = [...title.normalize('NFKD').toLowerCase()]
    .map((ch) => TRANSLITERATE[ch] ?? ch)
    .join('')
    // Combining marks left by NFKD (é → e + ́) and anything else outside ASCII go.
    .replace(/[^\x20-\x7e]/g, '');
  const words = ascii.split(/[^a-z0-9]+/).filter((w) => w !== '');
  let slug = '';
  for (const word of words) {
    const next = slug === '' ? word : `${slug}-${word}`;
    if (next.length <= maxLength) slug = next;
    else {
      // One giant first word is cut rather than dropped, so the slug still says something.
      if (slug === '') slug = word.slice(0, maxLength);
      break;
    }
  }
  return slug === '' ? 'task' : slug;
}

/** The branch a task's worktree gets: `flotilla/<task-id>-<slug>`. Throws INVALID_BRANCH. */
export function branchNameFor(taskId: string, title: string): string {
  const name = `${BRANCH_PREFIX}${taskId}-${slugify(title)}`;
  const problem = refNameProblem(name);
  if (problem) {
    throw new FlotillaError(
      'INVALID_BRANCH',
      `task id '${taskId}' gives an invalid branch name: ${problem}`,
      {
        hint: 'task ids are letters, digits, - and _',
      },
    );
  }
  return name;
}

/** The directory name of a task's worktree: `<task-id>-<slug>`, same words as the branch. */
export function worktreeDirName(branch: string): string {
  return branch.startsWith(BRANCH_PREFIX) ? branch.slice(BRANCH_PREFIX.length) : branch.replaceAll('/', '-');
}

/**
 * Why `name` is not a valid branch name per git-check-ref-format(1) with --branch, or null.
 * Kept in step with git's rules so messages can say *what* is wrong (git only says "not valid").
 */
export function refNameProblem(name: string): string | null {
  if (name === '') return 'it is empty';
  if (name.startsWith('-')) return "it starts with '-'";
  if (name === '@') return "it is '@'";
  if (name === 'HEAD') return "'HEAD' is reserved";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what git forbids
  const bad = /[\x00-\x20\x7f~^:?*[\\]/.exec(name);
  if (bad) {
    const ch = bad[0];
    const code = ch.charCodeAt(0);
    const shown = ch === ' ' ? 'a space' : code < 0x20 || code === 0x7f ? 'a control character' : `'${ch}'`;
    return `it contains ${shown}`;
  }
  if (name.includes('..')) return "it contains '..'";
  if (name.includes('@{')) return "it contains '@{'";
  if (name.startsWith('/') || name.endsWith('/')) return "it starts or ends with '/'";
  if (name.includes('//')) return "it contains '//'";
  if (name.endsWith('.')) return "it ends with '.'";
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `a component starts with '.' ('${part}')`;
    if (part.endsWith('.lock')) return `a component ends with '.lock' ('${part}')`;
  }
  return null;
}

/**
 * Validate a branch name with `git check-ref-format --branch`; returns it unchanged.
 * Throws INVALID_BRANCH with the reason.
 */
export async function checkBranchName(name: string): Promise<string> {
  // Our own check first: it explains the problem, and it keeps names git would *interpret*
  // (`@{-1}`, a leading '-') away from git's command line.
  const problem = refNameProblem(name);
  if (problem) throw invalidBranch(name, problem);
  const result = await git('', ['check-ref-format', '--branch', name], { allowFailure: true });
  if (result.code !== 0) throw invalidBranch(name, 'git check-ref-format rejects it');
  return name;
}

function invalidBranch(name: string, reason: string): FlotillaError {
  return new FlotillaError('INVALID_BRANCH', `'${name}' is not a valid branch name: ${reason}`, {
    hint: "use letters, digits, '-', '_' and '/' (no spaces, '..', or a trailing '.lock')",
  });
}
