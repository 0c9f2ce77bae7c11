import { ADAPTER_KINDS } from '../domain/values.js';
import { aiderAdapter } from './aider/index.js';
import { claudeCodeAdapter } from './claude-code/index.js';
import { codexAdapter } from './codex/index.js';
import { createCustomAdapter } from './custom/index.js';
import { geminiAdapter } from './gemini/index.js';
import type { AdapterKind, AgentAdapter, AgentEntryConfig } from './types.js';

export { ADAPTER_KINDS };

const BUILTIN: Record<Exclude<AdapterKind, 'custom'>, AgentAdapter> = {
  'claude-code': claudeCodeAdapter,
  codex: codexAdapter,
  gemini: geminiAdapter,
  aider: aiderAdapter,
};

const customByEntry = new WeakMap<object, AgentAdapter>();
const plainCustom = createCustomAdapter();

/**
 * The adapter for a kind. `entry` matters only for `custom`, whose pane patterns live in the
 * config entry; without it a custom agent has liveness only.
 */
export function adapterFor(kind: AdapterKind, entry?: Pick<AgentEntryConfig, 'pane_patterns'>): AgentAdapter {
  if (kind !== 'custom') return BUILTIN[kind];
  if (entry === undefined) return plainCustom;
  let adapter = customByEntry.get(entry);
  if (adapter === undefined) {
    adapter = createCustomAdapter(entry);
    customByEntry.set(entry, adapter);
  }
  return adapter;
}

/** Whether a string names an adapter kind. */
export function isAdapterKind(value: string): value is AdapterKind {
  return (ADAPTER_KINDS as readonly string[]).includes(value);
}
