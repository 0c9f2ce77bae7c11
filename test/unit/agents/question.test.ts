import { describe, expect, it } from 'vitest';
import { lastParagraph, questionAsked } from '../../../src/agents/question.js';

/**
 * The "does the agent ask the user?" rule on a corpus of final messages in the shapes Claude
 * Code's turns end with: summaries of finished work (often closing with an offer of more),
 * and real questions that block the work. Each entry says what a user would expect to see.
 */

const FINISHED: string[] = [
  'Done. I added `parseConfig` with tests; `npm test` passes (42 tests).',
  "I've fixed the login redirect: users now land on `?next=` after signing in.\n\nChanges:\n- `src/auth/redirect.ts`: keep the `next` parameter\n- `test/auth.test.ts`: two new cases\n\nAll tests pass.",
  'Committed as `a1b2c3d` ("add retry to the fetch helper").',
  'The build was failing because of a missing import. Why did it only fail in CI? Because the local cache hid it. I added the import and the build is green now.',
  'Created `hello.txt` with the greeting.',
  "I've refactored the module into three files. Let me know if you want any changes.",
  'All done! Would you like me to also add tests for the edge cases?',
  'The migration is in place and tested. Want me to open a PR next?',
  'Updated the README and the CLI help. Anything else?',
  'Fixed. Should I also update the changelog?',
  'Done — the flaky test now waits on the condition instead of sleeping. Do you want me to look at the other flaky ones as well?',
  'I ran the benchmark three times: median 120 ms, worst 140 ms.\n\n```ts\nconst x = await fetch(url); // why does this hang?\n```\n\nThe hang was the missing timeout; fixed.',
  'Here is the summary:\n\n1. Parser fixed\n2. Tests added\n\nLet me know if anything else needs attention.',
  'Committed everything. Is there anything else you would like me to do?',
  'I could not reproduce the crash on this machine, so I added logging around the call and committed it; the next CI run will show the state.',
  'Committed.',
  'The answer is 42.',
  'Everything is pushed to the branch. Happy to make further changes if needed?',
];

const ASKING: { message: string; question: RegExp }[] = [
  { message: 'Should the new docs go in README.md or in docs/?', question: /README\.md or in docs/ },
  {
    message:
      'I found two ways to fix this:\n\n1. Retry the request in the client\n2. Make the server idempotent\n\nWhich one do you prefer?',
    question: /Which one do you prefer/,
  },
  {
    message:
      'The task says "remove the old API", but three services still call it. Do you want me to remove it anyway?',
    question: /remove it anyway/,
  },
  { message: 'Should I use Postgres or SQLite for the tests?', question: /Postgres or SQLite/ },
  { message: 'I need the staging URL to run the smoke tests. What is it?', question: /What is it/ },
  {
    message:
      'Before I delete `legacy/`, can you confirm nothing else imports it? (I only searched this repo.)',
    question: /can you confirm/,
  },
  {
    message: 'Tests pass. Should I squash the commits before you review, or keep them separate?',
    question: /squash/,
  },
  { message: 'Which Node version should this support — 20 or 22? 🤔', question: /Which Node version/ },
  {
    message: 'I stopped before running the migration on the shared database. **Is it safe to run now?**',
    question: /safe to run/,
  },
  { message: 'Do you want the endpoint to return 404 or 410 for deleted items?', question: /404 or 410/ },
  {
    message:
      'The spec is ambiguous here:\n\n> "users may edit their posts"\n\nDoes that include posts older than 30 days?',
    question: /older than 30 days/,
  },
];

describe('questionAsked on a corpus of final messages', () => {
  it.each(FINISHED)('finished, not asking: %s', (message) => {
    expect(questionAsked(message)).toBeNull();
  });

  it.each(ASKING)('asks: $message', ({ message, question }) => {
    expect(questionAsked(message)).toMatch(question);
  });

  it('nothing said is not a question', () => {
    expect(questionAsked('')).toBeNull();
    expect(questionAsked(null)).toBeNull();
    expect(questionAsked(undefined)).toBeNull();
  });

  it('only the last paragraph counts, and code blocks never do', () => {
    expect(lastParagraph('First?\n\nSecond.')).toBe('Second.');
    expect(lastParagraph('Look:\n\n```\nwhat?\n```')).toBe('Look:');
    expect(questionAsked('Is this the bug?\n\nYes: the cache was stale. Fixed it.')).toBeNull();
  });
});
