/**
 * The newest Claude Code release Flotilla's e2e suite has passed on (the suite runs on the
 * pinned devDependency and on npm's newest; see docs/dev/claude-code-driving.md §11). Screens,
 * dialogs and hooks change between releases, so `flotilla doctor` warns when the installed one is
 * newer. Raise it in the commit that makes the tests pass on a newer release.
 */
export const CLAUDE_CODE_NEWEST_TESTED = '2.1.337';
