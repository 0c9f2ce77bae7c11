import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { actorOf, CLI_CLIENT, CLIENT_HEADER } from '../../../src/api/actor.js';

const request = (
  authVia: FastifyRequest['authVia'],
  headers: Record<string, string> = {},
  tokenAgent: string | null = null,
) => ({ authVia, tokenAgent, headers }) as unknown as FastifyRequest;

describe('actorOf: who a request acts for', () => {
  it('is the user for the dashboard session and for the flotilla CLI', () => {
    expect(actorOf(request('session'))).toBe('user');
    expect(actorOf(request('token', { [CLIENT_HEADER]: CLI_CLIENT }))).toBe('user');
  });

  it('is api for any other holder of the token, whatever else it claims', () => {
    expect(actorOf(request('token'))).toBe('api');
    expect(actorOf(request('token', { [CLIENT_HEADER]: 'curl' }))).toBe('api');
  });

  it("is the agent for an agent's own token, even if it sends the CLI's header", () => {
    expect(actorOf(request('agent', { [CLIENT_HEADER]: CLI_CLIENT }, 'a1b2c3'))).toBe('agent:a1b2c3');
  });
});
