import { resolve } from 'node:path';
import type { Selectable } from 'kysely';
import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import type { Repo } from '../domain/repo.js';
import { storeNow } from './clock.js';
import type { StoreContext } from './context.js';
import { appendEvent } from './events.js';
import { freshId } from './ids.js';
import { checkRow, parseInput } from './input.js';
import { schemas } from './lazy.js';
import type { ReposTable } from './schema.js';

/** Input of `repos.register`. */
export interface RepoRegister {
  name: string;
  /** Absolute path of the main checkout. */
  path: string;
  defaultBranch: string;
}

function toRepo(row: Selectable<ReposTable>): Repo {
  return checkRow(
    'repos',
    {
      id: row.id,
      name: row.name,
      path: row.path,
      defaultBranch: row.default_branch,
      createdAt: row.created_at,
    },
    row.id,
  );
}

/** Registered git repositories, one row per main checkout path. */
export class RepoStore {
  constructor(private readonly ctx: StoreContext) {}

  /** Registers a repository; registering the same path again returns the existing repo unchanged. */
  async register(input: RepoRegister, actor: Actor): Promise<Repo> {
    const { RepoRegisterSchema } = await schemas();
    const { name, path, defaultBranch } = parseInput(RepoRegisterSchema, input, 'repo');
    const normalized = resolve(path);
    return this.ctx.write(async (ctx) => {
      const existing = await new RepoStore(ctx).byPath(normalized);
      if (existing) return existing;
      const now = storeNow();
      const repo: Repo = {
        id: await freshId(ctx, 'repos'),
        name,
        path: normalized,
        defaultBranch,
        createdAt: now,
      };
      await ctx.db
        .insertInto('repos')
        .values({
          id: repo.id,
          name: repo.name,
          path: repo.path,
          default_branch: repo.defaultBranch,
          created_at: repo.createdAt,
        })
        .execute();
      await appendEvent(ctx, 'repo.registered', actor, { repoId: repo.id }, { name, path: normalized }, now);
      return repo;
    });
  }

  async get(id: string): Promise<Repo | null> {
    const row = await this.ctx.db.selectFrom('repos').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRepo(row) : null;
  }

  /** Like `get`, but a missing repo is an error. */
  async require(id: string): Promise<Repo> {
    const repo = await this.get(id);
    if (!repo) {
      throw new FlotillaError('NOT_FOUND', `repo '${id}' not found`, {
        hint: 'register it with: flotilla init',
      });
    }
    return repo;
  }

  async byPath(path: string): Promise<Repo | null> {
    const row = await this.ctx.db
      .selectFrom('repos')
      .selectAll()
      .where('path', '=', resolve(path))
      .executeTakeFirst();
    return row ? toRepo(row) : null;
  }

  async list(): Promise<Repo[]> {
    const rows = await this.ctx.db.selectFrom('repos').selectAll().orderBy('name').orderBy('path').execute();
    return rows.map(toRepo);
  }
}
