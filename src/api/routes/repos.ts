import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { RepoService } from '../../core/repos.js';
import { actorOf } from '../actor.js';
import { defineRoute } from '../define.js';
import { RepoListSchema, RepoRegisteredSchema } from './schemas.js';

export const RepoRegisterBodySchema = z
  .object({
    /** Any path inside the repo; the daemon finds the toplevel and default branch with git. */
    path: z.string().min(1).max(4096),
    name: z
      .string()
      .regex(/^[\w.-]{1,64}$/, 'a repo name is letters, digits, dots, dashes and underscores (at most 64)')
      .optional(),
  })
  .strict();

const RepoQuerySchema = z.object({ path: z.string().min(1).max(4096).optional() }).strict();

/** Registered repos. `GET /repos?path=` finds the repo containing a path (the CLI's "current repo"). */
export function repoRoutes(repos: RepoService) {
  return (api: FastifyInstance): void => {
    defineRoute(api, {
      method: 'GET',
      url: '/repos',
      summary: 'List registered repos, or find the one registered at a path',
      tags: ['repos'],
      query: RepoQuerySchema,
      response: { 200: RepoListSchema },
      handler: async ({ query: { path } }) => ({
        repos: path === undefined ? await repos.list() : [await repos.atPath(path)],
      }),
    });

    defineRoute(api, {
      method: 'POST',
      url: '/repos',
      summary: 'Register the git repo containing a path (200 if it already was)',
      tags: ['repos'],
      body: RepoRegisterBodySchema,
      response: { 201: RepoRegisteredSchema, 200: RepoRegisteredSchema },
      handler: async ({ body, request, reply }) => {
        const registered = await repos.register(body, actorOf(request));
        if (registered.created) reply.code(201);
        return registered;
      },
    });
  };
}
