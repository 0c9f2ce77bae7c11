import { describe, expect, it } from 'vitest';
import { ADAPTER_KINDS, adapterFor, isAdapterKind } from '../../../src/agents/index.js';
import { ADAPTER_KINDS as CONFIG_KINDS } from '../../../src/config/schema.js';

describe('adapter registry', () => {
  it('knows the same kinds as the config schema', () => {
    expect([...ADAPTER_KINDS].sort()).toEqual([...CONFIG_KINDS].sort());
  });

  it('returns an adapter of the asked kind, each declaring its signals', () => {
    for (const kind of ADAPTER_KINDS) {
      const adapter = adapterFor(kind);
      expect(adapter.kind).toBe(kind);
      expect(typeof adapter.fromPane).toBe('function');
      expect(typeof adapter.signals.hooks).toBe('boolean');
    }
    expect(adapterFor('claude-code').signals).toEqual({ hooks: true, stream: true, pane: true });
    expect(adapterFor('claude-code').resumable).toBe(true);
  });

  it('custom adapters are built per config entry, once', () => {
    const entry = { pane_patterns: { working: ['busy'] } };
    expect(adapterFor('custom', entry)).toBe(adapterFor('custom', entry));
    expect(adapterFor('custom', entry).fromPane('busy\n')?.status).toBe('working');
    expect(adapterFor('custom').fromPane('busy\n')).toBeNull();
  });

  it('isAdapterKind', () => {
    expect(isAdapterKind('codex')).toBe(true);
    expect(isAdapterKind('cursor')).toBe(false);
  });
});
