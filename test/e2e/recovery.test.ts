import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlotillaEvent } from '../../src/domain/event.js';
import { isAlive } from '../../src/proc/index.js';
import { simStep } from '../../src/sim/index.js';
import { waitFor } from '../helpers/cli.js';
import { type E2eWorld, e2eSkipReason, makeE2eWorld } from '../helpers/e2e.js';

/**
 * Status, approval and recovery, end to end. Real processes: the `flotilla` binary and its
 * daemon (killed with SIGKILL and started again by the next command), tmux on a private socket
 * (its server killed too), git, Claude Code 2.1.197 in its TUI, a shell script that crashes,
 * and the scripted model; all inside one loopback-only network namespace. The scenarios run in
 * order on one sandbox: agent P (permission, then killed, then its tmux server killed) and
 * agent D (works while the daemon is down) carry over from one to the next.
 */

const skip = await e2eSkipReason();
if (skip) console.warn(`skipping e2e recovery tests: ${skip}`);

const MAX_RESTARTS = 2;
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
const tos = (events: FlotillaEvent[]) => events.map((e) => String(e.data.to));

describe.skipIf(skip !== null)(`e2e: status and recovery${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let w: E2eWorld;
  const P = { id: '', sessionId: '' };
  const D = { id: '', sessionId: '', pid: 0 };

  beforeAll(async () => {
    w = await makeE2eWorld({
      script: {
        conversations: [
          {
            name: 'perm',
            steps: [
              simStep.bash(
                'git commit --allow-empty -q -m approved && git log --oneline -1',
                'Commit',
                'Committing.',
              ),
              simStep.text('Committed.'),
              simStep.text('Back after the restart.'),
            ],
          },
          {
            name: 'offline',
            steps: [
              simStep.slow(
                4_000,
                simStep.write('{{cwd}}/offline.txt', 'written while the daemon was down\n'),
              ),
              simStep.commitAll('add offline.txt'),
              simStep.text('Done offline.'),
            ],
          },
        ],
      },
      config: {
        agents: {
          // Lives past the start probe, then fails; the prompt arrives as $0 and is ignored.
          crasher: {
            adapter: 'custom',
            command: 'sh',
            args: ['-c', 'echo failing on purpose; sleep 1; exit 1'],
          },
        },
        restart: {
          policy: 'on-failure',
          backoff: { initial_ms: 200, max_ms: 1_000, factor: 2 },
          intensity: { max_restarts: MAX_RESTARTS, window_seconds: 600 },
        },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await w?.cleanup();
  }, 60_000);

  it('an approval: working → needs_permission → (approve) → working → idle, each within 1 s of its hook', async () => {
    const task = await w.addTask('Commit with approval', '[[sim:perm]] commit, with my approval');
    const agent = await w.json<{ id: string; sessionId: string }>(['start', task.id]);
    Object.assign(P, { id: agent.id, sessionId: agent.sessionId });
    await w.waitForAgent(P.id, (a) => a.status === 'needs_permission', 'the permission dialog');
    // PermissionRequest fires just before the dialog is drawn: approve once it is on screen.
    await waitFor(
      async () => (await w.flotilla(['approve', P.id])).code === 0,
      'approve to find the dialog',
      {
        timeoutMs: 20_000,
        intervalMs: 300,
      },
    );
    await w.waitForAgent(P.id, (a) => a.status === 'idle' && a.statusSource === 'hook', 'the turn to end');
    expect(w.sb.git(['log', '--format=%s', '-1', (await w.agent(P.id)).branch]).trim()).toBe('approved');

    const changes = await w.events({ agent: P.id, type: 'agent.status_changed', order: 'asc' });
    const seq = tos(changes);
    expect(seq.slice(seq.indexOf('working')), `whole sequence: ${seq.join(' → ')}`).toEqual([
      'working',
      'needs_permission',
      'working',
      'idle',
    ]);
    const lines = w.hookLines(P.id);
    const hookFor: Record<string, string> = {
      needs_permission: 'PermissionRequest',
      idle: 'Stop',
      working: 'UserPromptSubmit',
    };
    const firstOf = (to: string) => changes.find((e) => e.data.to === to && e.data.source === 'hook');
    for (const to of ['working', 'needs_permission', 'idle']) {
      const change = to === 'idle' ? changes.at(-1) : firstOf(to);
      const line = lines.filter((l) => l.event === hookFor[to]).at(to === 'idle' ? -1 : 0);
      expect(change?.data.source, `${to} came from a hook`).toBe('hook');
      expect(line, `${hookFor[to]} in events.jsonl`).toBeDefined();
      const lag = Date.parse(change?.ts as string) - Date.parse(line?.ts as string);
      expect(lag, `${to} recorded ${lag} ms after ${hookFor[to]}`).toBeGreaterThanOrEqual(0);
      expect(lag, `${to} recorded ${lag} ms after ${hookFor[to]}`).toBeLessThan(1_000);
    }
    const approved = changes.find((e) => e.data.source === 'user');
    expect(approved?.data.to).toBe('working');
  }, 120_000);

  it('kill -9 of an agent: restarted with --resume <same session id>; the model sees the earlier conversation', async () => {
    expect(P.id, 'the approval scenario ran first').not.toBe('');
    const before = await w.agent(P.id);
    const pid = before.pid as number;
    expect(cmdline(pid)).toEqual(expect.arrayContaining(['--session-id', P.sessionId]));
    const seenBefore = w.sim.requests.length;
    process.kill(pid, 'SIGKILL');
    const after = await w.waitForAgent(
      P.id,
      (a) => a.restartCount === 1 && a.status === 'idle',
      'a restart that resumes the conversation',
    );
    expect(after.sessionId).toBe(P.sessionId);
    expect(after.pid).not.toBe(pid);
    const argv = cmdline(after.pid as number);
    expect(argv).toEqual(expect.arrayContaining(['--resume', P.sessionId]));
    expect(argv).not.toContain('--session-id');
    const [restarted] = await w.events({ agent: P.id, type: 'agent.restarted', order: 'desc', limit: '1' });
    expect(restarted?.data).toMatchObject({ restartCount: 1, resume: true, sessionId: P.sessionId });

    // It was waiting for its user when it died, so it comes back waiting: no turn starts by
    // itself. The next message goes into the same conversation, with everything said before.
    expect(
      w.sim.requests.slice(seenBefore).some((r) => r.kind === 'script' && r.sessionId === P.sessionId),
    ).toBe(false);
    const sent = await w.flotilla(['send', P.id, 'carry on please']);
    expect(sent.code, sent.stderr).toBe(0);
    const req = await waitFor(
      () => w.sim.requests.slice(seenBefore).find((r) => r.kind === 'script' && r.sessionId === P.sessionId),
      'a model request after the restart',
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(req.conversation).toBe(`perm@${P.sessionId}`);
    expect(req.step, 'the script continues where it stopped').toBe(2);
    expect(req.firstUserText).toContain('[[sim:perm]] commit, with my approval');
    expect(req.lastUserText).toBe('carry on please');
    expect(req.messages.some((m) => m.role === 'assistant' && m.text.includes('Committed.'))).toBe(true);
    expect(req.messages.some((m) => m.toolUses.includes('Bash'))).toBe(true);
    await w.waitForAgent(P.id, (a) => a.status === 'idle', 'the resumed turn to end');
  }, 120_000);

  it('kill -9 of the daemon: the agent keeps working, the next daemon adopts it and records every hook once', async () => {
    const task = await w.addTask('Work while the daemon is down', '[[sim:offline]] write offline.txt');
    const agent = await w.json<{ id: string; sessionId: string; pid: number; tmuxSession: string }>([
      'start',
      task.id,
      '--agent',
      'claude-auto',
    ]);
    Object.assign(D, { id: agent.id, sessionId: agent.sessionId, pid: agent.pid });
    // The model holds its first answer back 4 s: kill the daemon while that request is in flight.
    await waitFor(
      () => w.sim.requests.find((r) => r.conversation === `offline@${D.sessionId}` && r.step === 0),
      'the agent to ask the model',
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    const oldDaemon = w.daemonPid() as number;
    const killedAt = Date.now();
    process.kill(oldDaemon, 'SIGKILL');
    await waitFor(() => !isAlive(oldDaemon), 'the daemon to die');
    await waitFor(
      () => w.hookLines(D.id).some((l) => l.event === 'Stop'),
      'the agent to finish its turn while the daemon is down',
      { timeoutMs: 60_000, intervalMs: 200 },
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}; screen:\n${await w.screen(D.id)}`);
    });
    const written = w.hookLines(D.id);
    expect(
      written.filter((l) => Date.parse(l.ts) > killedAt).length,
      'hooks fired while it was down',
    ).toBeGreaterThan(2);
    expect(isAlive(D.pid), 'the agent process outlived the daemon').toBe(true);
    expect(await w.sessions()).toContain(agent.tmuxSession);

    // The next command starts a new daemon, which adopts the agent and reads what it missed.
    const adopted = await w.waitForAgent(D.id, (a) => a.status === 'idle', 'the replayed Stop');
    expect(w.daemonPid()).not.toBe(oldDaemon);
    expect(adopted.pid).toBe(D.pid);
    expect(adopted.restartCount).toBe(0);
    const lines = w.hookLines(D.id);
    const hooks = await waitFor(async () => {
      const evs = await w.events({ agent: D.id, type: 'agent.hook', order: 'asc', limit: '1000' });
      return evs.length >= lines.length ? evs : null;
    }, 'every hook line to be recorded');
    expect(hooks.map((e) => `${e.data.hookTs} ${e.data.hook}`)).toEqual(
      lines.map((l) => `${l.ts} ${l.event}`),
    );
    expect(w.sb.git(['log', '--format=%s', '-1', adopted.branch]).trim()).toBe('add offline.txt');
  }, 150_000);

  it('the tmux server is killed: detected, and the agents are restarted by policy, resuming', async () => {
    expect(P.id && D.id, 'the earlier scenarios ran').toBeTruthy();
    const before = new Map((await w.agents()).map((a) => [a.id, a]));
    const killed = await w.tmux(['kill-server']);
    expect(killed.code, killed.stderr).toBe(0);
    for (const id of [P.id, D.id]) {
      const was = before.get(id);
      const now = await w.waitForAgent(
        id,
        (a) => a.restartCount === (was?.restartCount ?? 0) + 1 && a.status === 'idle',
        'a restart after the tmux server died',
      );
      expect(now.sessionId).toBe(was?.sessionId);
      expect(cmdline(now.pid as number)).toEqual(
        expect.arrayContaining(['--resume', now.sessionId as string]),
      );
      const changes = await w.events({ agent: id, type: 'agent.status_changed', order: 'desc', limit: '10' });
      expect(changes.some((e) => e.data.to === 'crashed' && /vanished/.test(String(e.data.detail)))).toBe(
        true,
      );
    }
    expect(await w.sessions()).toEqual(expect.arrayContaining([`flotilla-${P.id}`, `flotilla-${D.id}`]));
  }, 150_000);

  it(`a crash loop stops at the intensity limit (${MAX_RESTARTS} restarts) and ends crashed, saying why`, async () => {
    const task = await w.addTask('Crash loop', 'this agent always fails');
    const r = await w.flotilla(['start', task.id, '--agent', 'crasher', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const id = (JSON.parse(r.stdout) as { id: string }).id;
    const health = await waitFor(
      async () =>
        (await w.events({ agent: id, type: 'agent.health' })).find((e) => e.data.check === 'restart'),
      'the supervisor to give up',
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    expect(String(health.data.message)).toMatch(/will not be restarted/);
    const final = await w.agent(id);
    expect(final.status).toBe('crashed');
    expect(final.restartCount).toBe(MAX_RESTARTS);
    const restarts = await w.events({ agent: id, type: 'agent.restarted' });
    expect(restarts).toHaveLength(MAX_RESTARTS);
  }, 120_000);
});
