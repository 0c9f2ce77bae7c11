import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlotillaError } from '../../../src/domain/errors.js';
import {
  LabelSchema,
  TASK_PRIORITIES,
  TASK_STATUSES,
  type TaskFilter,
  TaskFilterSchema,
} from '../../../src/domain/task.js';
import { checkTaskFilter } from '../../../src/store/task-rows.js';

/*
 * `task list` checks its filter by hand so reads never load zod. This keeps that check honest
 * against the domain schema: everything the schema accepts is accepted, anything rejected is
 * rejected with INVALID_INPUT, and the one leniency (a label no task can carry) is the only one.
 */

const word = fc.constantFrom(
  'todo',
  'done',
  'urgent',
  'low',
  'bug',
  'ui',
  'doing',
  '',
  'has space',
  'x'.repeat(65),
);
const maybeList = <T>(item: fc.Arbitrary<T>) =>
  fc.option(fc.array(item, { maxLength: 3 }), { nil: undefined });
const filterLike = fc.record(
  {
    status: maybeList(fc.oneof(fc.constantFrom(...TASK_STATUSES), word)),
    priority: maybeList(fc.oneof(fc.constantFrom(...TASK_PRIORITIES), word)),
    label: maybeList(word),
    repoId: fc.option(fc.constantFrom('k3f9qa', 'K3F9QA', 'short', ''), { nil: undefined }),
    limit: fc.option(fc.oneof(fc.integer({ min: -2, max: 10_002 }), fc.constant(2.5)), { nil: undefined }),
    offset: fc.option(fc.oneof(fc.integer({ min: -2, max: 50 }), fc.constant(0.5)), { nil: undefined }),
  },
  { requiredKeys: [] },
);

describe('checkTaskFilter', () => {
  it('agrees with TaskFilterSchema except for labels that cannot exist', async () => {
    await fc.assert(
      fc.asyncProperty(filterLike, async (filter) => {
        const zod = TaskFilterSchema.safeParse(filter);
        let accepted = true;
        try {
          await checkTaskFilter(filter as TaskFilter);
        } catch (err) {
          accepted = false;
          expect(err).toBeInstanceOf(FlotillaError);
          expect((err as FlotillaError).code).toBe('INVALID_INPUT');
        }
        if (zod.success) expect(accepted).toBe(true);
        if (accepted && !zod.success) {
          // The only leniency: a well-formed but impossible label (it just matches nothing).
          const badLabels = (filter.label ?? []).filter((l) => !LabelSchema.safeParse(l).success);
          expect(badLabels.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
