/**
 * New York wall-clock time for the reminders: quiet hours and "one a day" are the parent's day,
 * whatever time zone the server runs in.
 */
const NEW_YORK = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  hourCycle: 'h23',
});

export interface NewYorkClock {
  /** `YYYY-MM-DD` in New York. */
  readonly day: string;
  /** 0–23 in New York. */
  readonly hour: number;
}

export function newYorkClock(now: Date): NewYorkClock {
  const parts = Object.fromEntries(NEW_YORK.formatToParts(now).map((p) => [p.type, p.value]));
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) % 24 };
}

/** A calendar day moved by whole days (`YYYY-MM-DD` in, `YYYY-MM-DD` out). */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
