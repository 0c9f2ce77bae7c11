/**
 * Keys of features that are planned but not built (integrations with issue trackers and chat).
 * They are refused in every layer, with a message that says so, so that nobody configures a GitHub
 * import or a Slack webhook and waits for something that never happens (ADR 0019).
 */
import type { ConfigProblem } from './origin.js';

type Segments = readonly (string | number)[];

/** A planned feature whose keys are refused until it is built: its key prefix and what it is. */
export interface PlannedFeature {
  path: string;
  what: string;
}

/** Longest prefix first: a key is reported under the most specific feature. */
export const PLANNED_FEATURES: readonly PlannedFeature[] = [
  { path: 'integrations.github', what: 'GitHub issues as tasks' },
  { path: 'integrations.jira', what: 'Jira issues as tasks' },
  { path: 'integrations.notify', what: 'Slack, Discord and webhook notifications' },
  { path: 'integrations', what: 'Integrations with issue trackers and chat' },
];

/** The planned feature a key path belongs to, if any. */
export function plannedFeature(segments: Segments): PlannedFeature | undefined {
  const path = segments.join('.');
  return PLANNED_FEATURES.find((f) => path === f.path || path.startsWith(`${f.path}.`));
}

/** The problem for a planned key, wherever it was set. */
export function plannedProblem(
  feature: PlannedFeature,
  path: string,
  where: Pick<ConfigProblem, 'origin' | 'col'>,
): ConfigProblem {
  const now = feature.path === 'integrations.notify' ? '; to hear about agents now, use hooks.on_status' : '';
  return {
    path,
    message: `not yet supported: ${feature.what} are planned, and this key has no effect yet`,
    hint: `remove it${now}`,
    ...where,
  };
}
