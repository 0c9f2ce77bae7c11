import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_FILES, agentFile } from '../agents/agent-dir.js';

/**
 * Each agent's own API credential. An agent runs a model with a shell: whatever its environment
 * holds, the model can read. So an agent never gets the daemon's token; it gets one minted at
 * each launch that the API guard accepts only on that agent's own agent-scoped routes (its hook
 * pokes; see `agentScoped` in api/define.ts). The token names its agent, so the guard can say
 * whose token was misused; only its SHA-256 is kept, in the agent's state dir, so the file
 * alone cannot be replayed and a daemon restart still recognises a running agent's token.
 * A relaunch mints a new one, which retires the old.
 */

/** The variable `flotilla hook` reads it from. */
export const AGENT_TOKEN_VAR = 'FLOTILLA_AGENT_TOKEN';

/** The hash's file name in the agent's state dir. */
export const AGENT_TOKEN_HASH_FILE = AGENT_FILES.tokenHash;

const PREFIX = 'flotilla-agent';
/** `flotilla-agent.<agent id>.<32 random bytes, base64url>`. */
const FORMAT = /^flotilla-agent\.([a-z0-9]{1,32})\.[A-Za-z0-9_-]{43}$/;

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** A fresh token for the agent; its hash replaces any earlier one (created anew, 0600). */
export function mintAgentToken(agentDir: string, agentId: string): string {
  const token = `${PREFIX}.${agentId}.${randomBytes(32).toString('base64url')}`;
  const file = join(agentDir, AGENT_TOKEN_HASH_FILE);
  rmSync(file, { force: true });
  writeFileSync(file, `${sha256(token).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return token;
}

/**
 * The agent whose token `presented` is, or null when it is not a valid agent token (wrong
 * shape, unknown or removed agent, superseded by a relaunch). Constant time in the secret part.
 */
export function agentOfToken(agentsDir: string, presented: string | undefined): string | null {
  const agentId = presented === undefined ? undefined : FORMAT.exec(presented)?.[1];
  if (presented === undefined || agentId === undefined) return null;
  let stored: Buffer;
  try {
    stored = Buffer.from(readFileSync(agentFile(agentsDir, agentId, 'tokenHash'), 'utf8').trim(), 'hex');
  } catch {
    return null;
  }
  if (stored.length !== 32) return null;
  return timingSafeEqual(sha256(presented), stored) ? agentId : null;
}
