import type { SimScriptInput } from './script.js';
import { simStep } from './steps.js';

/**
 * What `flotilla demo` shows: a tiny sample project, three tasks, and the scripted model's
 * answers to each (write one file, commit it, say so). Pure data, so tests can reuse it.
 */

/** One demo task and the file its agent is scripted to create. */
export interface DemoTask {
  /** Conversation name in the script. */
  key: string;
  title: string;
  prompt: string;
  /** Path, relative to the worktree, of the file the agent writes and commits. */
  file: string;
  content: string;
  commitMessage: string;
}

/** The sample repository's first commit. */
export const DEMO_REPO_FILES: Readonly<Record<string, string>> = {
  'README.md': `# sample-app

A tiny project for the Flotilla demo: three agents each add one thing to it, in parallel,
each on its own branch.

    node src/index.js
`,
  'src/index.js': `import { add } from './math.js';

console.log(\`2 + 3 = \${add(2, 3)}\`);
`,
  'src/math.js': `/** Adds two numbers. */
export function add(a, b) {
  return a + b;
}
`,
  'package.json': `${JSON.stringify({ name: 'sample-app', version: '0.1.0', type: 'module', private: true }, null, 2)}\n`,
  '.gitignore': 'node_modules/\n',
};

export const DEMO_TASKS: readonly DemoTask[] = [
  {
    key: 'greeting',
    title: 'Add a greeting module',
    prompt:
      'Add a greeting module: create src/greeting.js exporting greet(name), which returns "Hello, <name>!".',
    file: 'src/greeting.js',
    content: `/** A friendly greeting for \`name\`. */
export function greet(name) {
  return \`Hello, \${name}!\`;
}
`,
    commitMessage: 'Add a greeting module',
  },
  {
    key: 'contributing',
    title: 'Write a CONTRIBUTING file',
    prompt:
      'Write a CONTRIBUTING file: create CONTRIBUTING.md saying how to run the project and how to propose a change.',
    file: 'CONTRIBUTING.md',
    content: `# Contributing

1. Run it: \`node src/index.js\`.
2. Make one change per branch, with a commit message that says why.
3. Open a pull request and describe what you tested.
`,
    commitMessage: 'Add CONTRIBUTING.md',
  },
  {
    key: 'changelog',
    title: 'Add a changelog entry',
    prompt:
      'Add a changelog entry: create CHANGELOG.md with an "Unreleased" section that mentions the add() helper.',
    file: 'CHANGELOG.md',
    content: `# Changelog

## Unreleased

- \`add(a, b)\` in src/math.js.
`,
    commitMessage: 'Start the changelog',
  },
];

/**
 * The scripted model for the demo tasks. Each conversation is picked by its task's title, which
 * the prompt repeats, so the prompts stay plain English (no `[[sim:…]]` markers on screen); each agent has
 * its own session id, hence its own cursor. The short delay on the first step keeps the
 * `working` status on screen long enough to be seen.
 */
export function demoScript(tasks: readonly DemoTask[] = DEMO_TASKS): SimScriptInput {
  return {
    conversations: tasks.map((t) => ({
      name: t.key,
      match: { prompt: t.title },
      steps: [
        simStep.slow(800, simStep.write(`{{cwd}}/${t.file}`, t.content, `I'll create ${t.file}.`)),
        simStep.commitAll(t.commitMessage),
        simStep.text(`Created ${t.file} and committed it on this branch.`),
      ],
    })),
    fallbackText: 'Flotilla demo',
    exhaustedText: 'This demo task is done; nothing more to do.',
  };
}
