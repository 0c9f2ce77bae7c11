/**
 * Reset times in usage-limit messages: "resets 4am", "reset at 3pm (Europe/Berlin)",
 * "resets Nov 27, 4:30pm (UTC)", "try again in 2 hours 5 minutes", "2026-11-25T03:00:00Z".
 * A clock time without a date means its next occurrence after `now`; a time zone is an IANA
 * name in parentheses (checked with Intl), a few common abbreviations, or else local time.
 */

/** A way to turn wall-clock readings into instants. */
interface Zone {
  /** Calendar date of `now` in this zone. */
  today(now: Date): { y: number; m: number; d: number };
  /** The instant of a wall-clock time; day overflow (d = 32) rolls into the next month. */
  instant(y: number, m: number, d: number, h: number, min: number): number;
}

const LOCAL: Zone = {
  today: (now) => ({ y: now.getFullYear(), m: now.getMonth(), d: now.getDate() }),
  instant: (y, m, d, h, min) => new Date(y, m, d, h, min, 0, 0).getTime(),
};

function fixedZone(offsetMinutes: number): Zone {
  const ms = offsetMinutes * 60_000;
  return {
    today: (now) => {
      const t = new Date(now.getTime() + ms);
      return { y: t.getUTCFullYear(), m: t.getUTCMonth(), d: t.getUTCDate() };
    },
    instant: (y, m, d, h, min) => Date.UTC(y, m, d, h, min) - ms,
  };
}

function ianaZone(name: string): Zone | null {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return null;
  }
  const wall = (ms: number) => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(new Date(ms))) p[part.type] = Number(part.value);
    return {
      y: p.year ?? 0,
      m: (p.month ?? 1) - 1,
      d: p.day ?? 1,
      h: p.hour ?? 0,
      min: p.minute ?? 0,
      s: p.second ?? 0,
    };
  };
  const offset = (ms: number) => {
    const w = wall(ms);
    return Date.UTC(w.y, w.m, w.d, w.h, w.min, w.s) - (ms - (((ms % 1000) + 1000) % 1000));
  };
  return {
    today: (now) => wall(now.getTime()),
    instant: (y, m, d, h, min) => {
      const guess = Date.UTC(y, m, d, h, min);
      const first = guess - offset(guess);
      // Across a DST change the offset at the result differs from the one at the guess.
      return guess - offset(first);
    },
  };
}

const ABBREVIATIONS: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  Z: 0,
  BST: 60,
  CET: 60,
  CEST: 120,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
};

/** The zone named in a message: "(Europe/Berlin)", "(UTC)", " PST"; local time when absent or unknown. */
function zoneOf(iana: string | undefined, abbr: string | undefined): Zone {
  const name = iana ?? abbr;
  if (name === undefined) return LOCAL;
  const fixed = ABBREVIATIONS[name.toUpperCase()];
  if (fixed !== undefined) return fixedZone(fixed);
  return ianaZone(name) ?? LOCAL;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const CLOCK_RE = new RegExp(
  [
    String.raw`^(?:(?<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?<day>\d{1,2})(?:st|nd|rd|th)?,?\s+`,
    String.raw`(?:(?<year>\d{4}),?\s+)?(?:at\s+)?)?`,
    String.raw`(?<hour>\d{1,2})(?::(?<min>\d{2}))?\s*(?<ampm>[ap]\.?m\.?)?(?![\w:])`,
    String.raw`(?:\s*\((?<iana>[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*)\)|\s+(?<abbr>UTC|GMT|Z|BST|CES?T|[ECMP][SD]T)\b)?`,
  ].join(''),
  'i',
);

const ISO_RE =
  /^(?<date>\d{4}-\d{2}-\d{2})[T ](?<time>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?<off>Z|[+-]\d{2}:?\d{2})?(?:\s*\((?<iana>[A-Za-z][\w+-]*(?:\/[\w+-]+)*)\))?/i;

const DURATION_RE =
  /^(?:(?:\d+(?:\.\d+)?)\s*(?:d|days?|h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)(?![a-z])[\s,]*(?:and\s+)?)+/i;

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

function parseDuration(text: string): number | null {
  const m = DURATION_RE.exec(text);
  if (!m) return null;
  let total = 0;
  for (const part of m[0].matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)/gi)) {
    const unit = (part[2] ?? '').toLowerCase();
    const key = unit.startsWith('mi') || unit === 'm' ? 'm' : unit[0];
    total += Number(part[1]) * (UNIT_MS[key ?? ''] ?? 0);
  }
  return total > 0 ? total : null;
}

/**
 * The instant a reset clause names, read from the start of `clause` (the text right after
 * "resets", "try again", …). Null when it names no time this parser understands.
 */
export function parseResetClause(clause: string, now: Date): Date | null {
  const text = clause.trim().replace(/^(?:at|on)\s+/i, '');
  if (/^in\s/i.test(text)) {
    const ms = parseDuration(text.slice(3).trim());
    return ms === null ? null : new Date(now.getTime() + ms);
  }
  const iso = ISO_RE.exec(text);
  if (iso?.groups) {
    const { date, time, off, iana } = iso.groups;
    if (off !== undefined) {
      const t = Date.parse(`${date}T${time}${off.length === 5 ? `${off.slice(0, 3)}:${off.slice(3)}` : off}`);
      return Number.isNaN(t) ? null : new Date(t);
    }
    const [y, mo, d] = (date ?? '').split('-').map(Number);
    const [h, mi] = (time ?? '').split(':').map(Number);
    return new Date(zoneOf(iana, undefined).instant(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0));
  }
  return parseClock(text, now);
}

function parseClock(text: string, now: Date): Date | null {
  const g = CLOCK_RE.exec(text)?.groups;
  if (!g) return null;
  let hour = Number(g.hour);
  const minute = g.min === undefined ? 0 : Number(g.min);
  // "resets 4" is too vague to act on: demand am/pm or hh:mm.
  if (g.ampm === undefined && g.min === undefined) return null;
  if (minute > 59) return null;
  if (g.ampm !== undefined) {
    if (hour < 1 || hour > 12) return null;
    const pm = g.ampm.toLowerCase().startsWith('p');
    hour = (hour % 12) + (pm ? 12 : 0);
  } else if (hour > 23) {
    return null;
  }
  const zone = zoneOf(g.iana, g.abbr);
  const today = zone.today(now);
  if (g.mon === undefined) {
    let t = zone.instant(today.y, today.m, today.d, hour, minute);
    if (t <= now.getTime()) t = zone.instant(today.y, today.m, today.d + 1, hour, minute);
    return new Date(t);
  }
  const month = MONTHS.indexOf(g.mon.slice(0, 3).toLowerCase());
  const day = Number(g.day);
  if (day < 1 || day > 31) return null;
  if (g.year !== undefined) return new Date(zone.instant(Number(g.year), month, day, hour, minute));
  let t = zone.instant(today.y, month, day, hour, minute);
  // "Jan 2" read on Dec 31 is next year's; a date a little in the past means "already reset".
  if (t < now.getTime() - 180 * 86_400_000) t = zone.instant(today.y + 1, month, day, hour, minute);
  return new Date(t);
}

const RESET_KEYWORD_RE =
  /\b(?:resets?|will reset|try again|retry|available again)\b(?:\s+(?:at|on))?\s*[:∙·-]?\s*/gi;

/**
 * The reset time announced after the last usage-limit message in `text`: `trigger` finds the
 * message (a global regex), `exclude` drops look-alikes ("fast limit"), and the first reset
 * clause within the next 240 characters gives the time. Wrapped lines are joined first.
 */
export function findLimitReset(text: string, now: Date, trigger: RegExp, exclude?: RegExp): Date | null {
  const flat = text.replace(/[\s\u00a0│]+/gu, ' ');
  const hits = [...flat.matchAll(withFlags(trigger, true))];
  const skip = exclude === undefined ? null : withFlags(exclude, false);
  for (let i = hits.length - 1; i >= 0; i--) {
    const hit = hits[i]!;
    const start = hit.index ?? 0;
    const around = flat.slice(Math.max(0, start - 40), start + hit[0].length + 10);
    if (skip?.test(around)) continue;
    const after = flat.slice(start + hit[0].length, start + hit[0].length + 240);
    for (const kw of after.matchAll(RESET_KEYWORD_RE)) {
      const at = parseResetClause(after.slice((kw.index ?? 0) + kw[0].length), now);
      if (at !== null) return at;
    }
  }
  return null;
}

/** A copy of `re` with the global flag set or cleared (a shared global regex keeps state). */
function withFlags(re: RegExp, global: boolean): RegExp {
  const flags = re.flags.replace('g', '');
  return new RegExp(re.source, global ? `${flags}g` : flags);
}
