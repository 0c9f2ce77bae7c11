import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayPath } from '../../../src/config/origin.js';
import { type CustomAgentDaemon, startCustomAgentDaemon } from './custom-agent-daemon.js';

/**
 * A broken repo `flotilla.yaml` refuses `POST /agents` with CONFIG_INVALID, and the message says
 * which repo's file: one daemon serves several repos, and "flotilla.yaml:9:3" alone names none of
 * them. A real in-process daemon with a registered git repo; nothing is started.
 */
let fx: CustomAgentDaemon;

beforeAll(async () => {
  fx = await startCustomAgentDaemon({
    agentName: 'sleeper',
    agentScript: 'sleep 600',
    socketPrefix: 'flt-repocfg',
  });
}, 60_000);

afterAll(async () => {
  await fx?.cleanup();
});

describe('repo config errors over the API', () => {
  it('name the repo file by a path the user can open, with its line and key', async () => {
    const file = join(fx.repo.path, 'flotilla.yaml');
    // A daemon key in a repo file: the case the user met (limits.max_concurrent).
    const text = readFileSync(file, 'utf8');
    const line = text.split('\n').length;
    writeFileSync(file, `${text}limits:\n  max_concurrent: 3\n`);
    const task = await fx.createTask('Never starts');

    const r = await fx.startAgent(task);
    expect(r.status, r.text).toBe(400);
    const { error } = r.json as { error: { code: string; message: string; hint?: string } };
    expect(error.code).toBe('CONFIG_INVALID');
    const shown = displayPath(file, null);
    expect(shown.endsWith(`${fx.repo.path.split('/').at(-1)}/flotilla.yaml`)).toBe(true);
    expect(error.message.startsWith(`${shown}:${line + 1}:3: limits.max_concurrent: a daemon setting`)).toBe(
      true,
    );
    expect(error.hint).toMatch(/then run flotilla daemon restart$/);
    expect(((await fx.api('/agents')).json as { agents: unknown[] }).agents).toEqual([]);
  });
});
