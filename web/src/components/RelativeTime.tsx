import { useEffect, useState } from 'react';

/** "12 s", "4 min", "3 h", "2 d": short enough for a card. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

// One shared ticker: a hundred cards must not each run their own timer.
const listeners = new Set<() => void>();
let ticker: ReturnType<typeof setInterval> | null = null;
function subscribe(l: () => void): () => void {
  listeners.add(l);
  ticker ??= setInterval(() => {
    for (const x of listeners) x();
  }, 1_000);
  return () => {
    listeners.delete(l);
    if (listeners.size === 0 && ticker) {
      clearInterval(ticker);
      ticker = null;
    }
  };
}

/** Time since `iso`, re-rendered every second, with the exact time on hover. */
export function RelativeTime({ iso, suffix = '' }: { iso: string; suffix?: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => subscribe(() => setNow(Date.now())), []);
  const at = Date.parse(iso);
  return (
    <time dateTime={iso} title={new Date(at).toLocaleString()}>
      {formatAge(now - at)}
      {suffix}
    </time>
  );
}
