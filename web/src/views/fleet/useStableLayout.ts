/**
 * Keeps the fleet's cards where they are while the user is using them. The fleet is sorted by
 * status (waiting agents first, finished ones folded away), so a status change used to move a
 * card the instant it arrived: the button under the pointer became another agent's, and a
 * click stopped or removed the wrong one. While the pointer is over the fleet or focus is in
 * it, positions are held (each card's contents stay live); the new order is applied a moment
 * after both have left, and said politely to screen readers.
 */
import { type FocusEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { AgentView } from '../../api/types.js';

/** The fleet's two sections, each in display order. */
export interface FleetLayout {
  live: AgentView[];
  finished: AgentView[];
}

/** How long after the pointer and focus left the held order is kept (a pointer passing out and back in changes nothing). */
export const RELEASE_DELAY_MS = 600;

type Ids = { live: string[]; finished: string[] };

const idsOf = (l: FleetLayout): Ids => ({
  live: l.live.map((a) => a.id),
  finished: l.finished.map((a) => a.id),
});
const sameIds = (a: Ids, b: Ids) =>
  a.live.join() === b.live.join() && a.finished.join() === b.finished.join();

/** `fresh`'s agents at the positions `held` gave them; agents new since go at the end of their own section. */
export function arrangeAs(held: Ids, fresh: FleetLayout): FleetLayout {
  const byId = new Map([...fresh.live, ...fresh.finished].map((a) => [a.id, a]));
  const placed = new Set<string>();
  const keep = (ids: string[]) =>
    ids.flatMap((id) => {
      const a = byId.get(id);
      if (!a) return [];
      placed.add(id);
      return [a];
    });
  const live = keep(held.live);
  const finished = keep(held.finished);
  return {
    live: [...live, ...fresh.live.filter((a) => !placed.has(a.id))],
    finished: [...finished, ...fresh.finished.filter((a) => !placed.has(a.id))],
  };
}

/** Handlers for the fleet's container, the layout to show, and the latest announcement. */
export function useStableLayout(fresh: FleetLayout) {
  const [pointerIn, setPointerIn] = useState(false);
  const [focusIn, setFocusIn] = useState(false);
  const [held, setHeld] = useState(false);
  const [announcement, setAnnouncement] = useState<{ seq: number; text: string } | null>(null);
  const snapshot = useRef<Ids>(idsOf(fresh));
  const active = pointerIn || focusIn;

  // Hold at once; let go only after a beat with neither pointer nor focus inside.
  useEffect(() => {
    if (active) {
      setHeld(true);
      return;
    }
    const timer = setTimeout(() => setHeld(false), RELEASE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [active]);

  const shown = held ? arrangeAs(snapshot.current, fresh) : fresh;
  const reordered = !sameIds(idsOf(shown), idsOf(fresh));
  const wasReordered = useRef(false);
  useEffect(() => {
    // Whatever is on screen is what the next hold keeps.
    snapshot.current = idsOf(shown);
    if (held) wasReordered.current ||= reordered;
    else if (wasReordered.current) {
      wasReordered.current = false;
      setAnnouncement((m) => ({
        seq: (m?.seq ?? 0) + 1,
        text: 'The fleet is in its new order: agents waiting for you first.',
      }));
    }
  });

  const onFocus = useCallback(() => setFocusIn(true), []);
  const onBlur = useCallback((e: FocusEvent<HTMLElement>) => {
    if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocusIn(false);
  }, []);
  const onPointerEnter = useCallback(() => setPointerIn(true), []);
  const onPointerLeave = useCallback(() => setPointerIn(false), []);

  return {
    layout: shown,
    /** True while the order shown is not the fleet's current order. */
    onHold: held && reordered,
    announcement,
    handlers: { onFocus, onBlur, onPointerEnter, onPointerLeave },
  };
}
