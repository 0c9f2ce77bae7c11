import type { z } from 'zod';

/**
 * The store's zod schemas, loaded on first use. Writes validate their input, so they pay for
 * zod once; reads never load it.
 */
export type Schemas = typeof import('./schemas.js');

let loading: Promise<Schemas> | undefined;

export function schemas(): Promise<Schemas> {
  loading ??= import('./schemas.js');
  return loading;
}

/** Inferred input types, re-exported without loading anything at run time. */
export type RepoRegisterInput = z.input<Schemas['RepoRegisterSchema']>;
export type AgentCreateInput = z.input<Schemas['AgentCreateSchema']>;
export type AgentUpdateInput = z.input<Schemas['AgentUpdateSchema']>;
export type WorktreeCreateInput = z.input<Schemas['WorktreeCreateSchema']>;
