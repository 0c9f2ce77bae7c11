/**
 * An agent as `ps`, `top` and the dashboard show it: the row plus what the supervisor knows live.
 * Declared in domain/ because the core service builds it, the API answers with it and the web
 * app and the CLI read it.
 */
import { z } from 'zod';
import { AgentSchema } from './agent.js';
import { AgentProgressSchema } from './agent-tools.js';
import { ADAPTER_KINDS } from './values.js';

/** How many resource samples an agent view carries (`cpuHistory`, `rssHistory`). */
export const RESOURCE_HISTORY = 30;

/** An agent as `ps` and the dashboard show it: the row plus live figures from the supervisor. */
export const AgentViewSchema = AgentSchema.extend({
  taskTitle: z.string().nullable(),
  cpuPercent: z.number().nullable(),
  rssBytes: z.number().nullable(),
  resumeAt: z.string().nullable(),
  /**
   * CPU (% of one core) of the last RESOURCE_HISTORY resource samples, oldest first, one every
   * few seconds; empty unless the agent is live. A sample without a figure (the first one after
   * a (re)start has nothing to measure against) is dropped, not shown as 0.
   */
  cpuHistory: z.array(z.number()),
  /** Resident memory (bytes) of the same samples, oldest first; empty unless the agent is live. */
  rssHistory: z.array(z.number()),
  /**
   * The last meaningful line of the agent's screen (escapes removed, trimmed, ≤200 chars; lines
   * of only borders or punctuation, and a TUI's input box and footer, skipped), as of the
   * monitor's last look; null when unknown.
   */
  lastOutput: z.string().nullable(),
  /** The adapter kind of the agent's config entry (`adapter` is the entry's name). */
  kind: z.enum(ADAPTER_KINDS),
  /** The `tmux -L` socket name the agent's session lives on (for `flotilla attach`). */
  tmuxSocket: z.string(),
  /**
   * Something wrong that the status does not say: a hook event the agent could not write (disk
   * full), until a later one arrives whole. Absent or null when all is well.
   */
  warning: z.string().nullable().optional(),
  /** The agent's latest progress line (its `report_progress` tool) and when; absent or null: none. */
  progress: AgentProgressSchema.nullable().optional(),
});
export type AgentView = z.infer<typeof AgentViewSchema>;
