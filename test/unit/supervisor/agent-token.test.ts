import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AGENT_TOKEN_HASH_FILE, agentOfToken, mintAgentToken } from '../../../src/supervisor/agent-token.js';

const agentsDir = mkdtempSync(join(tmpdir(), 'flotilla-agent-token-'));
afterAll(() => rmSync(agentsDir, { recursive: true, force: true }));

function agentDir(id: string): string {
  const dir = join(agentsDir, id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

describe('agent tokens', () => {
  it('name their agent, and only their hash is kept (0600)', () => {
    const token = mintAgentToken(agentDir('a1'), 'a1');
    expect(token).toMatch(/^flotilla-agent\.a1\.[A-Za-z0-9_-]{43}$/);
    expect(agentOfToken(agentsDir, token)).toBe('a1');
    const file = join(agentsDir, 'a1', AGENT_TOKEN_HASH_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain(token.split('.').at(-1));
  });

  it('are retired by the next launch, and revoked with the agent dir', () => {
    const old = mintAgentToken(agentDir('a2'), 'a2');
    const fresh = mintAgentToken(agentDir('a2'), 'a2');
    expect(agentOfToken(agentsDir, old)).toBeNull();
    expect(agentOfToken(agentsDir, fresh)).toBe('a2');
    rmSync(join(agentsDir, 'a2'), { recursive: true });
    expect(agentOfToken(agentsDir, fresh)).toBeNull();
  });

  it("cannot be moved to another agent's name, or reach outside the agents dir", () => {
    const token = mintAgentToken(agentDir('a3'), 'a3');
    mintAgentToken(agentDir('a4'), 'a4');
    expect(agentOfToken(agentsDir, token.replace('.a3.', '.a4.'))).toBeNull();
    expect(agentOfToken(agentsDir, token.replace('.a3.', '.../'))).toBeNull();
    for (const bad of [undefined, '', 'flotilla-agent.a3', `${token}x`, token.toUpperCase()]) {
      expect(agentOfToken(agentsDir, bad)).toBeNull();
    }
  });
});
