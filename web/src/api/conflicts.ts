/**
 * Conflict prediction across live work (`GET /conflicts`), for the fleet's badges and the agent
 * page's list. The daemon keeps it current as turns end and agents commit; the page asks for the
 * last prediction on a slow interval, which costs the daemon no git at all.
 */
import { useQuery } from '@tanstack/react-query';
import type { ConflictFile, ConflictList, ConflictSide } from '../../../src/domain/conflicts.js';
import { api } from './client.js';

export type { ConflictFile, ConflictList, ConflictSide };

export const conflictsKey = ['conflicts'] as const;

/** Another live agent whose work meets this one's: the files, and whether a merge would conflict. */
export interface ConflictWith {
  other: ConflictSide;
  conflicts: boolean;
  /** The files, with hunks oriented `mine` (this agent's lines) and `theirs`. */
  files: {
    path: string;
    conflicts: boolean;
    hunks: { mine: [number, number]; theirs: [number, number] }[];
  }[];
}

export function useConflicts() {
  return useQuery({
    queryKey: conflictsKey,
    queryFn: () => api<ConflictList>('/conflicts'),
    refetchInterval: 5_000,
  });
}

/** The pairs that name `agentId`, from its side, conflicts first. */
export function conflictsOf(list: ConflictList | undefined, agentId: string): ConflictWith[] {
  const out: ConflictWith[] = [];
  for (const repo of list?.repos ?? []) {
    for (const pair of repo.pairs) {
      const mine = pair.a.agentId === agentId ? 'a' : pair.b.agentId === agentId ? 'b' : null;
      if (mine === null) continue;
      const theirs = mine === 'a' ? 'b' : 'a';
      out.push({
        other: pair[theirs],
        conflicts: pair.conflicts,
        files: pair.files.map((f) => ({
          path: f.path,
          conflicts: f.conflicts,
          hunks: f.overlappingHunks.map((h) => ({ mine: h[mine], theirs: h[theirs] })),
        })),
      });
    }
  }
  return out.sort((x, y) => Number(y.conflicts) - Number(x.conflicts));
}

/** `5` or `5–7`. */
export const lineSpan = ([start, end]: readonly [number, number]): string =>
  start === end ? `${start}` : `${start}–${end}`;
