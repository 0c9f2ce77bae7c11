/**
 * What a new user sees before any repo is registered: the three steps from nothing to a
 * working agent, each with a command to copy, and the scripted demo. The page needs no reload
 * afterwards: registering a repo is an event, and the fleet view follows it.
 */
import { CopyButton } from '../components/CopyButton.js';
import './FirstRun.css';

const STEPS = [
  {
    title: 'Register a repo',
    text: 'In a git repository, register it with Flotilla. This writes a commented flotilla.yaml (it never overwrites one).',
    command: 'flotilla init',
  },
  {
    title: 'Add a task',
    text: 'A task is one unit of work for one agent: a title, and a prompt if the title is not enough.',
    command: 'flotilla task add "Fix the login redirect" --prompt "Users land on / after login; keep ?next="',
  },
  {
    title: 'Start agents',
    text: 'Start one task — its own worktree, branch and tmux session — or every ready task within the limits.',
    command: 'flotilla up',
    alternative: 'flotilla start <task>',
  },
] as const;

export function FirstRun() {
  return (
    <section className="first-run" aria-labelledby="first-run-title" data-testid="first-run">
      <h1 id="first-run-title">Welcome to Flotilla</h1>
      <p>
        No repo is registered yet. Three commands get a fleet of coding agents going; this page shows them as
        soon as they start.
      </p>
      <ol className="first-run-steps">
        {STEPS.map((s) => (
          <li key={s.title}>
            <h2>{s.title}</h2>
            <p>{s.text}</p>
            <Command text={s.command} />
            {'alternative' in s && (
              <>
                <p className="muted">or, for one task:</p>
                <Command text={s.alternative} />
              </>
            )}
          </li>
        ))}
      </ol>
      <div className="first-run-demo">
        <h2>Just looking?</h2>
        <p>
          The demo runs three real Claude Code agents against a built-in scripted model — no API key needed —
          each committing on its own branch. From the Flotilla checkout:
        </p>
        <Command text="npm run demo" />
        <p className="muted">or, with Flotilla installed:</p>
        <Command text="flotilla demo" />
      </div>
    </section>
  );
}

function Command({ text }: { text: string }) {
  return (
    <div className="first-run-command">
      <code className="code">{text}</code>
      <CopyButton text={text} label={`Copy ${text}`} />
    </div>
  );
}
