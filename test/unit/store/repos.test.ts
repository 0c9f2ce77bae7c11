import { describe, expect, it } from 'vitest';
import { expectFlotillaError, storeFixture } from './helpers.js';

const setup = storeFixture();

describe('repos', () => {
  it('registers once per path: registering again returns the same repo and no new event', async () => {
    const { store, repo, dir } = await setup();
    expect(repo).toMatchObject({ name: 'app', path: `${dir}/app`, defaultBranch: 'main' });
    const again = await store.repos.register(
      { name: 'renamed', path: `${dir}/app/`, defaultBranch: 'dev' },
      'user',
    );
    expect(again).toEqual(repo);
    expect(await store.repos.byPath(`${dir}/app/../app`)).toEqual(repo);
    expect(await store.repos.get(repo.id)).toEqual(repo);
    const events = await store.events.list({ types: ['repo.registered'] });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: 'user',
      repoId: repo.id,
      data: { name: 'app', path: repo.path },
    });
  });

  it('lists repos by name and refuses a relative path', async () => {
    const { store, repo } = await setup();
    const lib = await store.repos.register({ name: 'lib', path: '/srv/lib', defaultBranch: 'main' }, 'api');
    const api = await store.repos.register({ name: 'api', path: '/srv/api', defaultBranch: 'trunk' }, 'api');
    expect((await store.repos.list()).map((r) => r.id)).toEqual([api.id, repo.id, lib.id]);
    const err = await expectFlotillaError(
      store.repos.register({ name: 'x', path: 'relative/dir', defaultBranch: 'main' }, 'user'),
      'INVALID_INPUT',
    );
    expect(err.message).toContain('absolute');
    expect(await store.repos.get('zzzzzz')).toBeNull();
  });
});
