/** Flattens a configuration into its leaf values, in schema order, guided by the schema. */
import { z } from 'zod';
import { nodeInfo } from './keys.js';
import { isPlainObject } from './layers.js';
import { ConfigSchema } from './schema.js';

/** One leaf value of a config: a scalar, a list, an empty map, or one entry of a map. */
export interface LeafEntry {
  segments: string[];
  value: unknown;
}

/**
 * Objects and the agents record are branches; a string map (agents.<name>.env) is split into one
 * leaf per entry so each entry has its own origin, or is one leaf `{}` when empty.
 */
export function leafEntries(value: unknown): LeafEntry[] {
  const out: LeafEntry[] = [];
  const walk = (schema: z.ZodType, v: unknown, segments: string[]) => {
    const core = nodeInfo(schema).core;
    if (core instanceof z.ZodObject && isPlainObject(v)) {
      for (const [key, child] of Object.entries(core.shape as Record<string, z.ZodType>)) {
        if (Object.hasOwn(v, key)) walk(child, v[key], [...segments, key]);
      }
    } else if (core instanceof z.ZodRecord && isPlainObject(v)) {
      const valueSchema = core.def.valueType as z.ZodType;
      const branch = nodeInfo(valueSchema).core instanceof z.ZodObject;
      const keys = Object.keys(v);
      if (!branch && keys.length === 0) out.push({ segments, value: {} });
      for (const key of keys) {
        if (branch) walk(valueSchema, v[key], [...segments, key]);
        else out.push({ segments: [...segments, key], value: v[key] });
      }
    } else {
      out.push({ segments, value: v });
    }
  };
  walk(ConfigSchema, value, []);
  return out;
}
