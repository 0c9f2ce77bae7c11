/**
 * How many of a column's cards are in the page. A column shows four or five cards at a time
 * (it scrolls on its own; on a phone the page scrolls), yet a first load of 1,000 tasks built
 * 60 a column: 360 cards, some 8,000 elements, over 300 ms of script, style and layout before
 * the board answered a click. So a column builds a window of cards and adds the next ones as
 * its end comes near: an IntersectionObserver watches the card LOOKAHEAD from the end of the
 * window, clipped by the column's own scroller and the viewport alike, so the new cards are
 * there before they scroll into sight. Tabbing through a column scrolls the focused card into
 * view, which grows the window the same way. See docs/adr/0020-board-card-window.md.
 */
import { type RefCallback, useCallback, useState } from 'react';

/** Cards built at first and added per step: more than a tall column shows, plus the lookahead. */
export const CARD_WINDOW = 8;
/** The watched card's distance from the window's end (about 500 px of cards). */
const LOOKAHEAD = 3;

/** Past any limit: the window covers everything the column shows. */
const ALL = Number.MAX_SAFE_INTEGER;

export interface CardWindow {
  /** How many cards to build, from the top. */
  rendered: number;
  /** The index of the card to hand `watch` as its ref; -1 when the window covers the limit. */
  watchAt: number;
  /** The ref of the watched card: its coming into view grows the window. */
  watch: RefCallback<HTMLElement>;
  /** Build every card up to the limit from now on (the user asked for them: "Show N more"). */
  showAll: () => void;
}

/**
 * The window over the first `limit` cards of a column. `atLeast` cards are always built (a card
 * that keeps focus after a move must exist to be focused). Without IntersectionObserver nothing
 * would ever grow the window, so it covers the limit from the start.
 */
export function useCardWindow(limit: number, atLeast = 0): CardWindow {
  const [count, setCount] = useState(() => (typeof IntersectionObserver === 'function' ? CARD_WINDOW : ALL));
  const rendered = Math.min(limit, Math.max(count, atLeast));
  // A new callback per window size: React then hands it the card now LOOKAHEAD from the end
  // (or the same card again), and a fresh observer reports where that card is at once.
  const watch = useCallback<RefCallback<HTMLElement>>(
    (el) => {
      if (!el) return;
      const observer = new IntersectionObserver((entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        observer.disconnect();
        setCount((c) => Math.max(c, rendered + CARD_WINDOW));
      });
      observer.observe(el);
      return () => observer.disconnect();
    },
    [rendered],
  );
  const showAll = useCallback(() => setCount(ALL), []);
  return { rendered, watchAt: rendered < limit ? Math.max(0, rendered - LOOKAHEAD) : -1, watch, showAll };
}
